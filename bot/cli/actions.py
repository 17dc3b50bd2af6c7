"""action add: "you said, we did"."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from bot.adapters.catalog import CAPABILITIES
from bot.cli.context import open_store, settings
from bot.cli.errors import fail
from config.library import load_library_config
from config.settings import Settings
from handlers import you_said
from models.classifier.topics_config import load_taxonomy

action_app = typer.Typer(help='"You said, we did": record what changed.', no_args_is_help=True)
DEFAULT_WINDOW = timedelta(weeks=8)


def register(app: typer.Typer) -> None:
    """Add the action group."""
    app.add_typer(action_app, name="action")


@action_app.command("add")
def add(
    topic: Annotated[str, typer.Option(help="The topic, as in config/topics.yaml.")],
    said: Annotated[str, typer.Option(help="What people told us.")],
    did: Annotated[str, typer.Option(help="What we did about it.")] = "",
    cannot: Annotated[str, typer.Option(help="What we cannot change (with --why).")] = "",
    why: Annotated[str, typer.Option(help="Why we cannot change it.")] = "",
    since: Annotated[
        datetime | None, typer.Option(help="Who raised it since this day (default: 8 weeks).")
    ] = None,
    notify: Annotated[bool, typer.Option(help="Tell everyone who raised the topic.")] = False,
) -> None:
    """Record an action; it shows in the next digest and on the public page."""
    loaded = settings()
    spec = you_said.ActionSpec(
        topic.strip(), said.strip(), did.strip(), cannot.strip(), why.strip()
    )
    try:
        you_said.check(spec, _topics(loaded))
    except you_said.ActionRefused as exc:
        fail(f"action refused: {exc}")
    start = _local_day(since, ZoneInfo(loaded.timezone))
    action_id, told = asyncio.run(_add(loaded, spec, start, notify))
    typer.echo(f"action {action_id} recorded")
    if notify:
        where = ", ".join(f"{n} on {channel}" for channel, n in sorted(told.items()))
        typer.echo(f"told {sum(told.values())} people: {where}" if told else "nobody new to tell")


def _topics(loaded: Settings) -> frozenset[str]:
    try:
        return frozenset(t.name for t in load_taxonomy(loaded.topics_file).topics)
    except (OSError, ValueError) as exc:
        fail(f"FEEDBOT_TOPICS_FILE: {exc}")


def _local_day(day: datetime | None, zone: ZoneInfo) -> datetime:
    """Midnight of ``day`` in the library's zone (as UTC), or 8 weeks ago."""
    if day is None:
        return datetime.now(UTC) - DEFAULT_WINDOW
    return datetime.combine(day.date(), time(0), tzinfo=zone).astimezone(UTC)


async def _add(
    loaded: Settings, spec: you_said.ActionSpec, since: datetime, notify: bool
) -> tuple[int, dict[str, int]]:
    library = load_library_config(loaded.config_file).library_name
    outcome, text = ("did", spec.did) if spec.did else ("cannot", spec.cannot)
    async with open_store(loaded) as store:
        action_id = await store.actions.add(
            topic=spec.topic,
            said=spec.said,
            outcome=outcome,
            did=text,
            why=spec.why,
            since=since,
            created_by="cli",
        )
        if not notify:
            return action_id, {}
        action = await store.actions.get(action_id=action_id)
        assert action is not None
        page = (
            f"{loaded.public_url.rstrip('/')}/widget/you-said-we-did" if loaded.public_url else ""
        )
        told = await you_said.notify(
            store, action, CAPABILITIES, library=library, page=page, since=since
        )
        return action_id, told
