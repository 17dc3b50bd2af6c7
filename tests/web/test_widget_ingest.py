"""Widget ingest under concurrency: batches that overlap (two in flight on PostgreSQL) still
store each client_id once and answer every copy with the same id."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable

import httpx

from config.settings import Settings
from tests.fakes.running import running_bot
from tests.fakes.widget_sessions import new_session


async def test_concurrent_copies_of_each_message_are_stored_once_with_one_id(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=db_url)) as bot:
        limits = httpx.Limits(max_connections=32)
        async with httpx.AsyncClient(base_url=bot.url, limits=limits) as http:
            sessions = [await new_session(http) for _ in range(4)]
            bodies = [
                {"session": s, "client_id": f"copy-{n:04d}", "text": f"message {n} from {s[:6]}"}
                for s in sessions
                for n in range(12)
            ]
            answers = await asyncio.gather(
                *(http.post("/widget/api/messages", json=b) for b in bodies * 4)
            )
        stored = [m for m in await bot.store.messages.find(limit=1000) if m.direction == "in"]
    ids: dict[str, set[int]] = defaultdict(set)
    fresh: dict[str, int] = defaultdict(int)
    for body, answer in zip(bodies * 4, answers, strict=True):
        assert answer.status_code == 202, answer.text
        key = f"{body['session']}:{body['client_id']}"
        ids[key].add(answer.json()["id"])
        fresh[key] += not answer.json()["duplicate"]
    assert len(stored) == len(bodies) == len(ids)
    assert all(len(v) == 1 for v in ids.values()) and set(fresh.values()) == {1}
    assert {m.id for m in stored} == {i for v in ids.values() for i in v}
