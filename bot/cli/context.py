"""What every command needs: settings, logging, an open store."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.secrets import pseudonym_key
from config.settings import Settings, load_settings
from models.store import Store


def settings() -> Settings:
    """Validated settings with logging configured (raises SettingsError naming the setting)."""
    loaded = load_settings()
    logging.basicConfig(
        level=loaded.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its URLs carry the Telegram token
    return loaded


@asynccontextmanager
async def open_store(loaded: Settings) -> AsyncIterator[Store]:
    """The store for a command."""
    async with Store.open(loaded.database_url, pseudonym_key=pseudonym_key(loaded)) as store:
        yield store
