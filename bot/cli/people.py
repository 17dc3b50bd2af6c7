"""people import-groups, people find; coverage: who the library hears from, by group."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.context import open_store, settings
from bot.cli.errors import CommandError
from bot.cli.person import Handle, Pseudonym
from bot.cli.show import add_row, console, json_line, literal, table
from bot.events import utcnow
from config.library import load_library_config
from handlers.groups.coverage import Coverage
from handlers.groups.coverage_json import group_json
from handlers.groups.group_list import ListError, read_group_list
from handlers.groups.report import coverage_report
from models.store.people.find import Found
from models.store.rights.scope import Who

people_app = typer.Typer(help="People: customer groups and finding a person.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the people group and the coverage command."""
    app.add_typer(people_app, name="people")
    app.command("coverage")(show_coverage)


@people_app.command("import-groups")
def import_groups(
    file: Annotated[Path, typer.Argument(help="CSV with columns channel,handle,group.")],
) -> None:
    """Import the library's list of who is in which group; handles are stored only hashed."""
    loaded = settings()
    groups = load_library_config(loaded.config_file).customer_groups

    async def run() -> tuple[int, int]:
        async with open_store(loaded) as store:
            try:
                rows = read_group_list(file, groups, store.people.hashed)
            except ListError as exc:
                raise CommandError(str(exc)) from None
            placed = await store.people.import_groups(rows=rows, at=utcnow())
            return len(rows), placed

    rows, placed = asyncio.run(run())
    console().print(
        literal(f"imported {rows} row(s), hashed; {placed} person(s) already known placed")
    )


@people_app.command("find")
def find_person(
    channel: Annotated[str, typer.Option("--channel", help="The handle's channel.")] = "",
    handle: Handle = "",
    pseudonym: Pseudonym = "",
) -> None:
    """Find a person by a handle on a channel, or by their pseudonym: their short name, group."""
    if bool(pseudonym) == bool(channel and handle) or (pseudonym and (channel or handle)):
        raise CommandError("give --channel C --handle H, or --pseudonym P")
    who = Who(pseudonym=pseudonym) if pseudonym else Who(channel=channel.lower(), handle=handle)

    async def run() -> Found:
        async with open_store(settings()) as store:
            try:
                contact = await store.people.find(who=who)
            except LookupError as exc:
                raise CommandError(str(exc)) from None
            if contact is None:
                raise CommandError(f"nothing is held about {who.describe()}")
            return await store.people.describe(contact_id=contact)

    found = asyncio.run(run())
    typer.echo(
        json_line(
            {
                "person": found.person,
                "group": found.group,
                "group_source": found.group_source,
                "channels": sorted({c for c, _ in found.contacts}),
            }
        )
    )


def show_coverage(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per group.")] = False,
) -> None:
    """Who we hear from: each group's share of people against its share of the population."""
    loaded = settings()
    library = load_library_config(loaded.config_file)

    async def run() -> Coverage:
        async with open_store(loaded) as store:
            return await coverage_report(store, library.customer_groups, library.calendar, utcnow())

    cov = asyncio.run(run())
    if as_json:
        for g in cov.groups:
            typer.echo(json_line(group_json(g, cov)))
        return
    shown = table("group", "people", "share", "population share", "under-heard", "channels")
    for g in cov.groups:
        share = f"{g.share:.0%}" if g.share is not None else "-"
        expected = f"{g.population_share:.0%}" if g.population_share is not None else "-"
        reach = ", ".join(p.name for p in g.channels) or "-"
        add_row(shown, g.label, g.shown, share, expected, "yes" if g.under_heard else "", reach)
    console().print(shown)
    console().print(literal(f"{cov.span}; people with no known group: {cov.unknown.shown}"))
