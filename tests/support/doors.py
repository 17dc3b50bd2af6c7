"""The bot's unauthenticated platform doors, served for property tests that send many requests.

``Doors`` runs the whole bot (real store, pipeline, web server) with Slack in HTTP mode, X in
webhook mode and Telegram in webhook mode, each on its fake platform, on an event loop of its
own in a background thread: a synchronous hypothesis test sends real HTTP requests to ``url``
and asks ``inbound()`` what the store kept. One bot serves every example of a module.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from config.settings import Settings, load_settings
from tests.fakes.chat import Chat
from tests.fakes.chat.slack import SIGNING_SECRET

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[2]
TELEGRAM_SECRET = "property-webhook-secret-0123"
__all__ = ["SIGNING_SECRET", "TELEGRAM_SECRET", "Doors", "serving_doors"]


class Doors:
    """A running bot with every webhook door open; ``call`` runs a coroutine on its loop."""

    def __init__(self, chat: Chat, loop: asyncio.AbstractEventLoop) -> None:
        self.chat = chat
        self.loop = loop
        self.url = chat.bot.url
        self.x_secret = chat.x.keys.consumer_secret

    def call(self, make: Callable[[], Awaitable[T]]) -> T:
        """Run ``make()`` on the bot's loop and wait for its result."""

        async def run() -> T:
            return await make()

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(timeout=60)

    def inbound(self) -> int:
        """How many inbound messages and votes the store holds."""

        async def count() -> int:
            found = await self.chat.store.messages.find(limit=100_000)
            return sum(1 for m in found if m.direction == "in")

        return self.call(count)


@contextmanager
def serving_doors(tmp: Path) -> Iterator[Doors]:
    """Start the world in a background thread; stop it (and the thread) at the end."""
    ready: Future[Doors] = Future()
    stop = threading.Event()

    def settings(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "state_dir": tmp / "var",
            "http_port": 0,
            "config_file": ROOT / "config" / "feedbot.yaml",
            "pseudonym_key": "test-pseudonym-key-0123456789",
            "database_url": f"sqlite+aiosqlite:///{tmp / 'feedbot.db'}",
            "classifier": "off",
        }
        return load_settings(**(values | overrides))

    async def world() -> None:
        async with Chat(settings) as chat:
            await chat.start(
                "slack",
                "x",
                "telegram",
                telegram_webhook_secret=TELEGRAM_SECRET,
                tweaks={"x": {"webhook_mode": True}},
            )
            ready.set_result(Doors(chat, asyncio.get_running_loop()))
            await asyncio.to_thread(stop.wait)

    def main() -> None:
        try:
            asyncio.run(world())
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting test
            if not ready.done():
                ready.set_exception(exc)

    thread = threading.Thread(target=main, name="doors", daemon=True)
    thread.start()
    try:
        yield ready.result(timeout=120)
    finally:
        stop.set()
        thread.join(timeout=60)
