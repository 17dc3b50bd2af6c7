"""`send`, `sends` and `panel` at the command line: a dry run prints the count per channel and
who was left out; a send prints its id; bad input is one line on stderr and a non-zero exit."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import build_cli
from bot.events import Address, Channel, ConversationKind, EventKind, InboundEvent
from models.classification import Classification
from models.store import Store
from models.store.migrate import upgrade

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        "FEEDBOT_STATE_DIR": str(tmp_path / "var"),
        "FEEDBOT_CONFIG_FILE": str(ROOT / "config" / "feedbot.yaml"),
        "FEEDBOT_PSEUDONYM_KEY": "cli-test-pseudonym-key",
        "FEEDBOT_POLL_QUIET_HOURS": "",
    }


def _seed(url: str) -> None:
    def wrote(channel: Channel, chat: str, kind: ConversationKind, n: int) -> InboundEvent:
        return InboundEvent(
            channel=channel,
            platform_id=f"cli-{n}",
            kind=EventKind.MESSAGE,
            sender=f"user-{n}",
            address=Address(channel, chat=chat, kind=kind),
            text="The e-journals will not load",
            occurred_at=datetime.now(UTC),
        )

    async def seed() -> None:
        async with Store.open(url, pseudonym_key=b"x" * 32) as s:
            events = [
                wrote(Channel.TELEGRAM, "301", ConversationKind.DIRECT, 1),
                wrote(Channel.SLACK, "C0LIB", ConversationKind.GROUP, 2),
            ]
            ids = [r.message_id for r in await s.messages.record(events=events)]
            verdicts = [(i, Classification("negative", {}, "e_resources", 0.9, "t")) for i in ids]
            await s.classifications.save(verdicts=verdicts)

    asyncio.run(seed())


def test_dry_run_then_send_then_the_list(tmp_path: Path) -> None:
    env = _env(tmp_path)
    upgrade(f"sqlite+aiosqlite:///{tmp_path / 'var' / 'feedbot.db'}")
    _seed(f"sqlite+aiosqlite:///{tmp_path / 'var' / 'feedbot.db'}")
    cli = build_cli()
    args = ["send", "--text", "We fixed the proxy", "--topic", "e_resources"]
    dry = CliRunner().invoke(cli, [*args, "--dry-run"], env=env)
    assert dry.exit_code == 0, dry.output
    assert dry.output.splitlines()[:2] == [
        "would tell 1: 1 on telegram",
        "left out: 0 opted out, 1 unreachable, 0 capped, 0 sampled out",
    ]
    sent = CliRunner().invoke(cli, [*args, "--json"], env=env)
    assert sent.exit_code == 0, sent.output
    report = json.loads(sent.output)
    assert report["told"] == {"telegram": 1} and report["send_id"] == 1
    listed = CliRunner().invoke(cli, ["sends"], env=env)
    assert "send 1 " in listed.output and "told 1, replied 0" in listed.output


def test_bad_input_is_one_line_on_stderr(tmp_path: Path) -> None:
    env = _env(tmp_path)
    upgrade(f"sqlite+aiosqlite:///{tmp_path / 'var' / 'feedbot.db'}")
    cli = build_cli()
    for args, says in (
        (["send", "--text", "hi", "--group", "wizards"], "unknown group 'wizards'"),
        (["send"], "either --poll"),
        (["send", "--poll", "5"], "no poll 5"),
    ):
        result = CliRunner().invoke(cli, args, env=env)
        assert result.exit_code != 0
        assert says in result.output and len(result.output.strip().splitlines()) == 1
