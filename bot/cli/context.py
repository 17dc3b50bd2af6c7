"""What every command needs: settings, logging, an open store."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy.engine import make_url

from bot.cli.errors import CommandError, fail, first_line
from bot.local_time import LocalTime
from bot.secrets import pseudonym_key
from config.library import load_library_config
from config.settings import Settings, load_settings
from config.triage import TriageConfig
from models.store import Store
from models.store.engine import sqlite_path
from models.store.migrate import head

if TYPE_CHECKING:
    from models.classifier import LocalClassifier
    from models.classifier.urgency import UrgencySpec


def settings() -> Settings:
    """Validated settings with logging configured (raises SettingsError naming the setting)."""
    loaded = load_settings()
    logging.basicConfig(
        level=loaded.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its URLs carry the Telegram token
    return loaded


def library_time(loaded: Settings) -> LocalTime:
    """Times as staff read them: in FEEDBOT_TIMEZONE, with the zone named."""
    return LocalTime(ZoneInfo(loaded.timezone))


@asynccontextmanager
async def open_store(loaded: Settings) -> AsyncIterator[Store]:
    """The store for a command; a database that cannot be reached or is not migrated to this
    code's schema raises a CommandError saying what to do (one line at the CLI's boundary)."""
    check_database(loaded)
    async with Store.open(loaded.database_url, pseudonym_key=pseudonym_key(loaded)) as store:
        at, wanted = await first_contact(store, loaded.database_url), head()
        if at != wanted:
            state = f"is at schema {at}, not {wanted}" if at else "has no feedbot tables yet"
            raise CommandError(
                f"the database {state}: run `python -m bot migrate` (make run does it)"
            )
        yield store


async def reachable(loaded: Settings) -> None:
    """Raise a CommandError unless the database can be opened and answers."""
    check_database(loaded)
    async with Store.open(loaded.database_url) as store:
        await first_contact(store, loaded.database_url)


async def first_contact(store: Store, url: str) -> str | None:
    """The schema version, or a CommandError naming the database when it cannot answer."""
    from sqlalchemy.exc import DBAPIError, SQLAlchemyError

    try:
        return await store.schema_version()
    except (OSError, SQLAlchemyError) as exc:
        reason = exc.orig if isinstance(exc, DBAPIError) and exc.orig else exc
        raise CommandError(
            f"cannot open the database FEEDBOT_DATABASE_URL={shown_url(url)}: {first_line(reason)}"
        ) from None


def check_database(loaded: Settings) -> None:
    """Refuse a SQLite path that is a folder or lies in a folder that does not exist (only
    FEEDBOT_STATE_DIR, feedbot's own folder, is created)."""
    path = sqlite_path(loaded.database_url)
    if path is None or (path.parent.is_dir() and not path.is_dir()):
        return
    if path.is_dir():
        raise CommandError(f"FEEDBOT_DATABASE_URL names a folder, not a database file: {path}")
    if path.parent == loaded.state_dir and not path.parent.exists():
        path.parent.mkdir(parents=True)
        return
    raise CommandError(
        f"FEEDBOT_DATABASE_URL: the folder {path.parent} does not exist; create it or correct"
        " the setting (feedbot creates only FEEDBOT_STATE_DIR)"
    )


def shown_url(url: str) -> str:
    """The URL with its password hidden."""
    return make_url(url).render_as_string(hide_password=True)


def local_classifier(loaded: Settings, hint: str = "") -> LocalClassifier:
    """The local classifier built from the settings, or a one-line failure."""
    from models.classifier import ClassifierUnavailable, load_classifier

    try:
        return load_classifier(
            topics_file=loaded.topics_file,
            cache_dir=loaded.model_cache_dir,
            max_batch=loaded.classify_max_batch,
            max_wait_ms=loaded.classify_max_wait_ms,
            threads=loaded.classify_threads,
            engine=loaded.classify_engine,
            urgency=urgency_spec(load_library_config(loaded.config_file).triage),
        )
    except ClassifierUnavailable as exc:
        fail(f"classifier unavailable ({exc}){hint}")


def urgency_spec(triage: TriageConfig) -> UrgencySpec:
    """The classifier's urgency exemplars and rule, from the triage config."""
    from models.classifier.urgency import UrgencySpec

    return UrgencySpec(
        tuple(triage.urgent_examples),
        tuple(triage.calm_examples),
        triage.urgent_similarity,
        triage.urgent_margin,
    )
