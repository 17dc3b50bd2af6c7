"""The whole bot in-process, on a random port, for scenario tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot.adapters import catalog
from bot.adapters.base import Adapter, ChannelKind
from bot.app import Bot
from bot.runtime import bound_port, serving
from config.settings import Settings
from handlers.speaking import Languages
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


@asynccontextmanager
async def running_bot(
    settings: Settings,
    *,
    classifier: Classifier | None = None,
    adapters: Sequence[Adapter] | None = None,
    languages: Languages | None = None,
    kinds: Sequence[ChannelKind] = catalog.CHANNELS,
) -> AsyncIterator[RunningBot]:
    """Migrate the settings' database, start the bot and its web server, stop it afterwards.
    ``languages``: which language the bot answers each message and person in; ``kinds``: the
    registered channels (the catalog's, or those and a test's own)."""
    await upgrade_async(settings.database_url)
    serve = serving(
        settings,
        classifier=classifier,
        adapters=adapters,
        port=0,
        languages=languages,
        kinds=kinds,
    )
    async with serve as (bot, server):
        yield RunningBot(bot, f"http://127.0.0.1:{bound_port(server)}")
