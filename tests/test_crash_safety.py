"""kill -9 in the middle of 2,000 concurrent messages: every 202 is stored, every message once."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Callable
from pathlib import Path

import httpx
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from models.store import Store
from models.store.tables import Message
from tests.process import bot_env, bot_process, free_port
from tests.web.sessions import new_session_at

TOTAL = 2000
CONCURRENCY = 64


def payload(i: int, sessions: list[str]) -> dict[str, str]:
    return {
        "session": sessions[i % len(sessions)],
        "client_id": f"crash-client-{i:05d}",
        "text": f"message {i}",
    }


async def send_all(
    url: str, sessions: list[str], stop_after: int | None, kill: Callable[[], None] | None
) -> dict[int, int]:
    """Post every message; index → id for each 202; kill the bot after ``stop_after`` 202s."""
    accepted: dict[int, int] = {}
    problems: list[str] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(TOTAL):
        queue.put_nowait(i)

    async def worker(http: httpx.AsyncClient) -> None:
        while not queue.empty():
            i = queue.get_nowait()
            try:
                answer = await http.post("/widget/api/messages", json=payload(i, sessions))
            except httpx.TransportError as exc:
                problems.append(type(exc).__name__)
                continue
            if answer.status_code != 202:
                problems.append(str(answer.status_code))
            if answer.status_code == 202:
                accepted[i] = answer.json()["id"]
                if stop_after is not None and len(accepted) == stop_after and kill is not None:
                    kill()

    limits = httpx.Limits(max_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as http:
        await asyncio.gather(*(worker(http) for _ in range(CONCURRENCY)))
    if stop_after is None or len(accepted) < stop_after:
        assert not problems, f"{len(problems)} requests failed: {sorted(set(problems))}"
    return accepted


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
