"""run, migrate, version."""

from __future__ import annotations

import asyncio
import logging
from importlib import metadata

import typer
import uvloop

from bot.cli.context import local_classifier, reachable, settings
from bot.cli.errors import fail, first_line
from config.settings import Settings
from models.classification import Classifier
from models.store.migrate import head, upgrade

log = logging.getLogger(__name__)
VERSION = "0.1.0"


def register(app: typer.Typer) -> None:
    """Add the core commands."""
    app.command(help="Start the bot: web widget and every configured channel.")(run)
    app.command(help="Create or upgrade the database schema.")(migrate)
    app.command(help="Print feedbot's version and its main libraries'.")(version)


def run() -> None:
    """Start the bot and serve until Ctrl-C or SIGTERM."""
    from bot.runtime import serve

    loaded = settings()
    asyncio.run(reachable(loaded))  # before the model loads: a wrong database fails in a second
    # uvloop: the same asyncio, with its network I/O and scheduling in C.
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(serve(loaded, load_classifier_or_none(loaded)))


def load_classifier_or_none(loaded: Settings) -> Classifier | None:
    """The local classifier, or None when FEEDBOT_CLASSIFIER=off (messages stay unclassified)."""
    if loaded.classifier == "off":
        log.warning("FEEDBOT_CLASSIFIER=off: messages are stored without sentiment or topic")
        return None
    return local_classifier(loaded, hint="; set FEEDBOT_CLASSIFIER=off to run without it")


def migrate() -> None:
    """Apply the migrations to FEEDBOT_DATABASE_URL and say which ran."""
    loaded = settings()
    asyncio.run(reachable(loaded))
    try:
        applied = upgrade(loaded.database_url)
    except Exception as exc:  # noqa: BLE001 - one line for the operator
        fail(f"migration failed for FEEDBOT_DATABASE_URL: {first_line(exc)}")
    typer.echo(migrated(applied))


def migrated(applied: list[str]) -> str:
    """What `migrate` reports: the revisions it applied, or that there was nothing to do."""
    if not applied:
        return f"already up to date (schema {head()})"
    return f"applied {', '.join(applied)}: the database is at schema {applied[-1]}"


def version() -> None:
    """Versions of feedbot and the SDKs it drives."""
    typer.echo(f"feedbot {VERSION}")
    for dist in ("slack-bolt", "python-telegram-bot", "tweepy", "transformers", "SQLAlchemy"):
        try:
            typer.echo(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            typer.echo(f"{dist} not installed")
