"""`themes list`: a week's themes as a table or one JSON line each (label, size, exactly its
message ids, link), computed when missing; a bad or future week is one line on stderr."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from typer.testing import CliRunner

from bot.cli import build_cli
from handlers.digest.week import IsoWeek
from models.store import Store
from models.store.migrate import upgrade
from tests.support.theme_data import around, directions, seed

ROOT = Path(__file__).resolve().parents[3]
WEEK = IsoWeek.parse("2026-W45")


def test_themes_list_prints_each_theme_with_its_messages(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'var' / 'feedbot.db'}"
    (tmp_path / "var").mkdir()
    upgrade(url)

    async def fill() -> dict[str, list[int]]:
        at = WEEK.start(ZoneInfo("UTC")) + timedelta(days=1)
        top, cafe = directions(2, 64, seed_=3)
        texts = [f"printer credit top up fails, mail s{n}@uni.ac.uk" for n in range(12)]
        async with Store.open(url) as store:
            return {
                "topup": await seed(store, texts, around(top, 12, 0.1, 1), at=at, tag="t"),
                "cafe": await seed(
                    store, ["cafe oat milk gone"] * 6, around(cafe, 6, 0.1, 2), at=at, tag="c"
                ),
            }

    ids = asyncio.run(fill())
    env = {
        "FEEDBOT_STATE_DIR": str(tmp_path / "var"),
        "FEEDBOT_CONFIG_FILE": str(ROOT / "config" / "feedbot.yaml"),
        "FEEDBOT_TIMEZONE": "UTC",
    }
    runner = CliRunner()
    out = runner.invoke(build_cli(), ["themes", "list", "--week", str(WEEK), "--json"], env=env)
    table = runner.invoke(build_cli(), ["themes", "list", "--week", str(WEEK)], env=env)
    bad = runner.invoke(build_cli(), ["themes", "list", "--week", "W45"], env=env)
    future = runner.invoke(build_cli(), ["themes", "list", "--week", "2999-W01"], env=env)
    assert out.exit_code == 0, out.output
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert [(t["size"], t["trend"]) for t in lines] == [(12, "new"), (6, "new")]
    assert lines[0]["message_ids"] == sorted(ids["topup"]) and "printer" in lines[0]["label"]
    assert lines[1]["message_ids"] == sorted(ids["cafe"])
    assert lines[0]["link"] == f"/inbox/themes/{lines[0]['id']}?week={WEEK}"
    assert table.exit_code == 0 and f"Themes of {WEEK}: 2" in table.stdout
    assert bad.exit_code != 0 and "--week" in bad.output
    assert future.exit_code != 0 and "has not started yet" in future.output
