"""What every command needs: settings, logging, an open store."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from bot.cli.errors import fail
from bot.secrets import pseudonym_key
from config.settings import Settings, load_settings
from models.store import Store
from models.store.migrate import head

if TYPE_CHECKING:
    from models.classifier import LocalClassifier


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
    """The store for a command; a database not migrated to this code's schema is a one-line
    failure saying what to run, not a traceback."""
    async with Store.open(loaded.database_url, pseudonym_key=pseudonym_key(loaded)) as store:
        at, wanted = await store.schema_version(), head()
        if at != wanted:
            state = f"is at schema {at}, not {wanted}" if at else "has no feedbot tables yet"
            fail(f"the database {state}: run `python -m bot migrate` (make run does it)")
        yield store


def local_classifier(loaded: Settings, hint: str = "") -> LocalClassifier:
    """The local classifier built from the settings, or a one-line failure."""
    from models.classifier import ClassifierUnavailable, load_classifier

    try:
        return load_classifier(
            topics_file=loaded.topics_file,
            cache_dir=loaded.model_cache_dir,
            max_batch=loaded.classify_max_batch,
            max_wait_ms=loaded.classify_max_wait_ms,
            engine=loaded.classify_engine,
        )
    except ClassifierUnavailable as exc:
        fail(f"classifier unavailable ({exc}){hint}")
