"""action add: "you said, we did"."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from bot.adapters.catalog import CAPABILITIES
from bot.cli.context import open_store, settings
from bot.cli.errors import fail
from config.library import load_library_config
from config.settings import Settings
from config.wording import load_wording
from handlers import you_said
from models.classifier.topics_config import load_taxonomy

action_app = typer.Typer(help='"You said, we did": record what changed.', no_args_is_help=True)


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
    day = since.date() if since is not None else None
    done = asyncio.run(_add(loaded, spec, day, notify))
    typer.echo(f"action {done.action_id} recorded")
    if notify:
        told = done.told
        where = ", ".join(f"{n} on {channel}" for channel, n in sorted(told.items()))
        typer.echo(f"told {sum(told.values())} people: {where}" if told else "nobody new to tell")


def _topics(loaded: Settings) -> frozenset[str]:
    try:
        return frozenset(t.name for t in load_taxonomy(loaded.topics_file).topics)
    except (OSError, ValueError) as exc:
        fail(f"FEEDBOT_TOPICS_FILE: {exc}")


async def _add(
    loaded: Settings, spec: you_said.ActionSpec, day: date | None, notify: bool
) -> you_said.Recorded:
    wording = load_wording(load_library_config(loaded.config_file), loaded.languages_dir)
    async with open_store(loaded) as store:
        use = you_said.YouSaid(
            store,
            CAPABILITIES,
            wording=wording,
            zone=ZoneInfo(loaded.timezone),
            topics=_topics(loaded),
            public_url=loaded.public_url,
        )
        return await use.record(spec, by=None, notify=notify, day=day)
