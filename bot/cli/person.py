"""export person, erase person, link person: one person's data on request (subject access,
erasure), and linking a person's contacts on several channels so one request covers them."""

from __future__ import annotations

import asyncio
import getpass
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from bot.cli.context import open_store, settings
from bot.cli.errors import CommandError
from bot.cli.show import console, literal
from models.store.rights.person import Erasure, NoSuchPerson
from models.store.rights.scope import Ambiguous, Who

Channel = Annotated[str, typer.Option("--channel", help="The channel: slack, telegram, x, widget.")]
User = Annotated[str, typer.Option("--user", help="Their user id on that channel.")]
Pseudonym = Annotated[
    str,
    typer.Option(
        "--pseudonym",
        help="Their pseudonym instead: the queue's (Person 0B3A91C2), or a full one.",
    ),
]
Handle = Annotated[
    str,
    typer.Option(
        "--handle",
        help="Or their handle on --channel: Telegram @username or id, Slack user id, X @handle.",
    ),
]


def actor() -> str:
    """Who is acting, for the audit log: the operator's login name."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def who(channel: str, user: str, pseudonym: str, handle: str = "") -> Who:
    """The person named on the command line: channel with user or handle, or a pseudonym."""
    if pseudonym and (channel or user or handle):
        raise CommandError("give --pseudonym, or --channel with --user or --handle, not both")
    if user and handle:
        raise CommandError("give --user or --handle, not both")
    if pseudonym:
        return Who(pseudonym=pseudonym)
    if not (channel and (user or handle)):
        raise CommandError(
            "name the person: --channel C --user U, --channel C --handle H, or --pseudonym P"
        )
    return Who(channel=channel.lower(), user=user, handle=handle)


def export_person(
    channel: Channel = "",
    user: User = "",
    pseudonym: Pseudonym = "",
    out: Annotated[Path | None, typer.Option(help="Write the JSON here (default: stdout).")] = None,
    handle: Handle = "",
) -> None:
    """Everything held about one person, as one JSON document with a summary at the top."""
    named = who(channel, user, pseudonym, handle)

    async def fetch() -> dict[str, Any]:
        async with open_store(settings()) as store:
            try:
                return await store.rights.export_person(who=named, actor=actor())
            except LookupError as exc:  # NoSuchPerson, or a short pseudonym of several people
                raise CommandError(str(exc)) from None

    doc = asyncio.run(fetch())
    if out is None:
        typer.echo(json.dumps(doc, ensure_ascii=True, indent=2))
        return
    write_file(out, json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    console().print(literal(f"wrote {out}: " + " ".join(doc["summary"])))


def write_file(path: Path, content: str) -> None:
    """Write whole or not at all (a temp file renamed into place)."""
    part = path.with_name(path.name + ".part")
    part.write_text(content, encoding="utf-8")
    part.replace(path)


def erase_person(
    channel: Channel = "",
    user: User = "",
    pseudonym: Pseudonym = "",
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    handle: Handle = "",
) -> None:
    """Erase one person's texts, names, handles, addresses and group link everywhere (the
    statistics stay)."""
    named = who(channel, user, pseudonym, handle)
    if not yes:
        confirm(named)

    async def run() -> Erasure:
        async with open_store(settings()) as store:
            try:
                return await store.rights.erase_person(who=named, actor=actor())
            except Ambiguous as exc:
                raise CommandError(str(exc)) from None

    done = asyncio.run(run())
    if not done.held:
        console().print(literal(f"nothing is held about {named.describe()}: nothing to erase"))
        return
    rows = ", ".join(f"{t} {n}" for t, n in done.touched.items() if n)
    console().print(literal(f"erased person {done.person_id} ({rows})"))


def confirm(named: Who) -> None:
    """Ask on a terminal; refuse without --yes anywhere else."""
    if not sys.stdin.isatty():
        raise CommandError("erase asks for confirmation: run it on a terminal or add --yes")
    if not typer.confirm(f"Erase everything held about {named.describe()}? This cannot be undone"):
        raise CommandError("not erased")


def link_person(
    channel: Channel = "",
    user: User = "",
    pseudonym: Pseudonym = "",
    with_channel: Annotated[str, typer.Option(help="The other contact's channel.")] = "",
    with_user: Annotated[str, typer.Option(help="The other contact's user id.")] = "",
    with_pseudonym: Annotated[str, typer.Option(help="Or the other's pseudonym.")] = "",
) -> None:
    """Link two contacts as one person: export and erase then cover both."""
    a, b = who(channel, user, pseudonym), who(with_channel, with_user, with_pseudonym)

    async def run() -> list[int]:
        async with open_store(settings()) as store:
            try:
                return await store.rights.link(a=a, b=b, actor=actor())
            except NoSuchPerson as exc:
                raise CommandError(str(exc)) from None

    contacts = asyncio.run(run())
    console().print(literal(f"linked contacts {', '.join(map(str, contacts))} as one person"))
