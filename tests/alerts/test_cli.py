"""alerts list, as an operator types it: each send with its state, newest first; --json."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.events import Address, Channel, ConversationKind
from handlers.alerts.checker import AlertChecker
from handlers.alerts.dispatch import AlertDispatcher
from handlers.alerts.quiet import Quiet
from handlers.alerts.rules import AlertRules
from models.store import Store
from models.store.migrate import upgrade
from tests.support.alert_data import queue_item
from tests.support.cli import base_env, invoke

LONDON = ZoneInfo("Europe/London")


def run(tmp_path: Path, *args: str) -> tuple[int, str]:
    """The command's exit code and everything it printed (wide enough for whole tables)."""
    ran = invoke(base_env(tmp_path) | {"COLUMNS": "250"}, *args)
    return ran.code, ran.stdout + ran.stderr


def raise_two(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'var' / 'feedbot.db'}"
    (tmp_path / "var").mkdir()
    upgrade(url)

    async def write() -> None:
        async with Store.open(url) as store:
            now = datetime.now(UTC)
            await queue_item(
                store,
                text="urgent: flood",
                at=now,
                due_at=now + timedelta(hours=3),
                priority="urgent",
            )
            await queue_item(
                store,
                text="a question",
                at=now,
                due_at=now + timedelta(minutes=20),
                pid="q-2",
                sender="U2",
            )
            dispatcher = AlertDispatcher(
                store,
                zone=LONDON,
                base_url="",
                wake_outbox=lambda: None,
                staff_chat=Address(Channel.SLACK, "C1", kind=ConversationKind.GROUP),
            )
            await AlertChecker(store, AlertRules(quiet=Quiet(LONDON)), dispatcher).check(now)

    asyncio.run(write())


def test_alerts_list_shows_each_send_and_its_state(tmp_path: Path) -> None:
    raise_two(tmp_path)
    code, out = run(tmp_path, "alerts", "list")
    assert code == 0 and "urgent" in out and "due_soon" in out and "pending" in out
    code, out = run(tmp_path, "alerts", "list", "--json", "--kind", "urgent")
    [line] = out.splitlines()
    row = json.loads(line)
    assert code == 0 and (row["kind"], row["destination"], row["status"]) == (
        "urgent",
        "slack",
        "pending",
    )
    assert row["subject"].startswith("item:")


def test_an_unknown_kind_is_refused_in_one_line(tmp_path: Path) -> None:
    raise_two(tmp_path)
    code, out = run(tmp_path, "alerts", "list", "--kind", "spikes")
    assert code != 0 and "--kind" in out
