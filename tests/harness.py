"""The whole bot in-process, on a random port, for scenario tests."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot.adapters.base import Adapter
from bot.app import Bot
from bot.runtime import bound_port, serving
from config.settings import Settings
from models.classification import Classifier
from models.store import Store
from models.store.migrate import upgrade_async


@dataclass
class RunningBot:
    """A bot serving on ``url``; ``store`` to look at what it kept."""

    app: Bot
    url: str

    @property
    def store(self) -> Store:
        return self.app.store

    async def wait_for(
        self,
        check: Callable[[], Awaitable[bool]],
        *,
        timeout: float = 10.0,
        what: str = "condition",
    ) -> None:
        """Poll ``check`` until it is true; fail the test after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while not await check():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout}s waiting for {what}")
            await asyncio.sleep(0.02)


@asynccontextmanager
async def running_bot(
    settings: Settings,
    *,
    classifier: Classifier | None = None,
    adapters: Sequence[Adapter] | None = None,
) -> AsyncIterator[RunningBot]:
    """Migrate the settings' database, start the bot and its web server, stop it afterwards."""
    await upgrade_async(settings.database_url)
    async with serving(settings, classifier=classifier, adapters=adapters, port=0) as (bot, server):
        yield RunningBot(bot, f"http://127.0.0.1:{bound_port(server)}")
