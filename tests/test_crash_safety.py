"""kill -9 in the middle of 2,000 concurrent messages: every 202 is stored, every message once."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from models.store import Store
from models.store.tables import Message
from tests.fakes.process import bot_env, bot_process, free_port
from tests.fakes.widget_load import TOTAL, payload, send_all
from tests.fakes.widget_sessions import new_session_at


def _inbound(conn: Connection) -> tuple[int, dict[str, int]]:
    inbound = Message.direction == "in"
    total = conn.execute(select(func.count()).select_from(Message).where(inbound)).scalar_one()
    rows = conn.execute(select(Message.platform_id, Message.id).where(inbound))
    return int(total), {p: i for p, i in rows.all()}


async def stored_ids(db_url: str) -> dict[str, int]:
    async with Store.open(db_url) as store:
        total, found = await store.read(_inbound)
    assert total == len(found), "a message was stored twice"
    return found


async def test_kill_minus_9_loses_nothing_and_doubles_nothing(db_url: str, tmp_path: Path) -> None:
    port = free_port()
    env = bot_env(
        state_dir=str(tmp_path / "var"),
        http_port=str(port),
        classifier="off",
        database_url=db_url,
        log_level="WARNING",
    )
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "bot.log"
    with bot_process(env, log) as proc:
        sessions = [new_session_at(url) for _ in range(50)]
        first = await send_all(
            url, sessions, stop_after=TOTAL // 3, kill=lambda: os.kill(proc.pid, signal.SIGKILL)
        )
        proc.wait(timeout=30)
    assert TOTAL // 3 <= len(first) < TOTAL, "the kill should land mid-stream"
    with bot_process(env, log):
        second = await send_all(url, sessions, stop_after=None, kill=None)
    assert len(second) == TOTAL
    stored = await stored_ids(db_url)
    assert len(stored) == TOTAL
    for i, message_id in first.items():
        sent = payload(i, sessions)
        key = f"{sent['session']}:{sent['client_id']}"
        assert stored[key] == message_id == second[i]
