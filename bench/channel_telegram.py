"""Telegram ingest benchmark: n updates through FakeTelegram's getUpdates into a running bot.

Time to durable storage is measured per update from the moment the fake first hands it out in
a getUpdates answer to the moment the bot's sink (the store) returns for it. Not a test.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections.abc import Sequence

from starlette.routing import BaseRoute

from bench.common import bench_settings, figures
from bot.adapters.telegram import TelegramAdapter
from bot.adapters.widget import WidgetAdapter
from bot.channel import Capabilities, ChannelState, EventSink, Receipt
from bot.events import Channel, InboundEvent, OutboundMessage
from tests.fakes import telegram_payloads as tp
from tests.fakes.cursors import MemoryCursors
from tests.fakes.running import running_bot
from tests.fakes.telegram import FakeTelegram
from tests.fakes.waiting import wait_until

PEOPLE = 997


class TimedAdapter:
    """Delegates to a TelegramAdapter, noting when each event's sink call returned."""

    channel: Channel = Channel.TELEGRAM

    def __init__(self, inner: TelegramAdapter) -> None:
        self.inner = inner
        self.capabilities: Capabilities = inner.capabilities
        self.stored_at: dict[str, float] = {}

    @property
    def state(self) -> ChannelState:
        return self.inner.state

    @property
    def detail(self) -> str:
        return self.inner.detail

    @property
    def exclusive_connection(self) -> bool:
        return self.inner.exclusive_connection

    def routes(self) -> Sequence[BaseRoute]:
        return self.inner.routes()

    async def start(self, sink: EventSink) -> None:
        async def timed(event: InboundEvent) -> Receipt:
            receipt = await sink(event)
            self.stored_at.setdefault(event.platform_id, time.perf_counter())
            return receipt

        await self.inner.start(timed)

    async def send(self, message: OutboundMessage) -> str:
        return await self.inner.send(message)

    async def stop(self) -> None:
        await self.inner.stop()


def update(i: int) -> dict[str, object]:
    """The i-th update: a private message from one of many students."""
    person = tp.user(6_000_000 + i % PEOPLE, "Student", str(i % PEOPLE))
    text = f"Feedback number {i}: the quiet room is too warm"
    return {"update_id": i + 1, **tp.message_update(text, message_id=i + 1, sender=person)}


async def bench_telegram(n: int) -> dict[str, float]:
    """Updates per second and p50/p99 seconds to durable storage for n getUpdates updates."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = bench_settings(tmp)
        async with FakeTelegram() as fake:
            adapter = TelegramAdapter(token=fake.token, api_url=fake.url, cursors=MemoryCursors())
            timed = TimedAdapter(adapter)
            async with running_bot(settings, adapters=[WidgetAdapter(), timed]):
                started = time.perf_counter()
                await fake.push(*(update(i) for i in range(n)))
                await wait_until(
                    lambda: len(timed.stored_at) >= n, within=max(60.0, n / 20), what="all stored"
                )
                elapsed = max(timed.stored_at.values()) - started
                latencies = [
                    timed.stored_at[f"{6_000_000 + i % PEOPLE}:{i + 1}"] - fake.served_at[i + 1]
                    for i in range(n)
                ]
    return figures(n, elapsed, latencies)


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    for name, value in asyncio.run(bench_telegram(count)).items():
        print(f"telegram {name}: {value:.4f}")
