"""SIGTERM mid-stream: the bot drains and exits cleanly; a restart finishes the leftover work."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from models.store import Store
from tests.fakes.process import bot_env, bot_process, free_port
from tests.fakes.waiting import wait_until
from tests.fakes.widget_load import payload, send_all
from tests.fakes.widget_sessions import new_session_at


async def test_sigterm_drains_and_a_restart_resumes(sqlite_url: str, tmp_path: Path) -> None:
    port = free_port()
    env = bot_env(
        state_dir=str(tmp_path / "var"),
        http_port=str(port),
        classifier="off",
        database_url=sqlite_url,
    )
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "bot.log"
    with bot_process(env, log) as proc:
        sessions = [new_session_at(url) for _ in range(50)]
        accepted = await send_all(
            url, sessions, stop_after=300, kill=lambda: os.kill(proc.pid, signal.SIGTERM)
        )
        assert proc.wait(timeout=60) == 0, log.read_text()[-2000:]
    assert "stopping: finishing in-flight work" in log.read_text()
    async with Store.open(sqlite_url) as store:
        stored = {
            m.platform_id: m.id
            for m in await store.messages.find(limit=10_000)
            if m.direction == "in"
        }
    for i, message_id in accepted.items():
        sent = payload(i, sessions)
        assert stored[f"{sent['session']}:{sent['client_id']}"] == message_id
    with bot_process(env, log):
        async with Store.open(sqlite_url) as store:

            async def all_processed() -> bool:
                inbound = [
                    m for m in await store.messages.find(limit=10_000) if m.direction == "in"
                ]
                return bool(inbound) and all(m.processed for m in inbound)

            await wait_until(all_processed, within=30, what="the leftover work to be processed")
