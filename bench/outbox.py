"""Outbox benchmark: N queued replies (half Slack, half Telegram, each send answered after
LATENCY_MS by an in-process stand-in for the platform) sent by the outbox worker; prints
sends/s from start to the last one recorded, on SQLite and PostgreSQL. Then the same with one
e-mail that hangs HANG_S queued first: how long the replies behind it waited.
Usage: PYTHONPATH=. python bench/outbox.py [N] [sqlite|postgresql|both]"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from bench.digest import postgres_db, sqlite_db
from bot.channel import ChannelState
from bot.events import Address, Channel, OutboundMessage
from handlers.delivery import Delivery
from handlers.metrics import Metrics
from models.store import Store
from models.store.migrate import upgrade_async
from models.store.outbox.outcomes import Settled

LATENCY_MS = 5.0
HANG_S = 10.0


class Platform:
    """Answers each send after a fixed delay."""

    state = ChannelState.UP

    def __init__(self, delay_s: float) -> None:
        self.delay_s = delay_s

    async def send(self, message: OutboundMessage) -> str:
        await asyncio.sleep(self.delay_s)
        return "ok"


async def run(url: str, n: int, *, hang: bool) -> float:
    """Seconds until every reply is recorded as sent (the hanging e-mail not counted)."""
    await upgrade_async(url)
    async with Store.open(url, pseudonym_key=b"k" * 32) as store:
        if hang:
            mail = Address(Channel.EMAIL, chat="lead@lib.example")
            await store.outbox.enqueue(message=OutboundMessage(mail, "digest"), author="bench")
        channels = (Channel.SLACK, Channel.TELEGRAM)
        replies = [
            OutboundMessage(Address(channels[i % 2], chat=f"c{i % 50}"), f"reply {i}")
            for i in range(n)
        ]
        await store.outbox.enqueue_many(messages=replies, author="bench")
        adapters = {c: Platform(LATENCY_MS / 1000) for c in channels}
        adapters[Channel.EMAIL] = Platform(HANG_S)
        worker = Delivery(
            store, adapters, Metrics(), max_attempts=8, base_delay=1, max_delay=1, lease_s=60
        )
        left, done = [n], asyncio.Event()

        async def count(outcomes: list[Settled]) -> None:
            left[0] -= sum(o.status == "sent" for o in outcomes)
            if left[0] <= 0:
                done.set()

        worker.follow(count)
        began = time.perf_counter()
        worker.start()
        await done.wait()
        elapsed = time.perf_counter() - began
        await worker.stop()
        return elapsed


async def main(n: int, backends: list[str]) -> None:
    dbs: dict[str, Callable[[], AbstractAsyncContextManager[tuple[str, str]]]] = {
        "sqlite": sqlite_db,
        "postgresql": postgres_db,
    }
    for backend in backends:
        for hang in (False, True):
            async with dbs[backend]() as (url, _):
                elapsed = await run(url, n, hang=hang)
            what = f"behind a {HANG_S:g} s hang" if hang else "quick sends"
            print(f"{backend:10} {n / elapsed:8.0f} sends/s, all sent in {elapsed:6.2f} s ({what})")


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    which = sys.argv[2] if len(sys.argv) > 2 else "both"
    asyncio.run(main(count, ["sqlite", "postgresql"] if which == "both" else [which]))
