"""staff add | list | disable | reset-password | link-slack | languages."""

from __future__ import annotations

import asyncio
import getpass
import re
import sys
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Annotated, TypeVar

import aiohttp
import typer
from slack_sdk.errors import SlackApiError

from bot.adapters.slack.client import user_by_email
from bot.cli.context import open_store, settings
from bot.cli.errors import fail
from config.library import load_library_config
from handlers.staff.accounts import AccountRefused, known_team
from handlers.staff.passwords import Passwords, WeakPassword
from models.language import parse_codes
from models.store import Store
from models.store.staff.facade import NoSuchStaff, StaffExists, StaffView

staff_app = typer.Typer(help="Staff accounts for the web inbox.", no_args_is_help=True)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
T = TypeVar("T")


class Role(StrEnum):
    """What a member of staff may do: agents work the queue, leads also assign and manage
    canned replies, admins also manage staff and data-rights actions."""

    agent = "agent"
    lead = "lead"
    admin = "admin"


def register(app: typer.Typer) -> None:
    """Add the staff group."""
    app.add_typer(staff_app, name="staff")


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def _email(value: str) -> str:
    if not EMAIL.match(value.strip()):
        raise typer.BadParameter(f"{value!r} is not an e-mail address")
    return value.strip().lower()


def read_password(from_stdin: bool) -> str:
    """One line from stdin, or a hidden prompt asked twice."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


async def _hash(password: str) -> str:
    try:
        return await Passwords().hash(password)
    except WeakPassword as exc:
        fail(str(exc))


def _known_team(team: str) -> str:
    """The team if the config knows it ('' for none); otherwise one line naming the teams."""
    teams = load_library_config(settings().config_file).triage.team_names()
    try:
        return known_team(team, teams)
    except AccountRefused as exc:
        fail(str(exc))


def _slack_user(address: str) -> str:
    """The Slack user with this e-mail address, asked of Slack."""
    loaded = settings()
    if loaded.slack_bot_token is None:
        fail("FEEDBOT_SLACK_BOT_TOKEN: needed to find the Slack user by e-mail (or give the id)")
    token = loaded.slack_bot_token.get_secret_value()
    try:
        found = asyncio.run(user_by_email(token, loaded.slack_api_url, address))
    except (SlackApiError, OSError, aiohttp.ClientError) as exc:
        fail(f"Slack could not be asked for {address}: {exc}")
    if not found:
        fail(f"no Slack user has the address {address} (or the app lacks users:read.email)")
    return found


def _run(work: Callable[[Store], Awaitable[T]]) -> T:
    """Open the store, run ``work``, turn the known refusals into one line."""

    async def go() -> T:
        async with open_store(settings()) as store:
            return await work(store)

    try:
        return asyncio.run(go())
    except StaffExists as exc:
        fail(f"a staff account for {exc} already exists")
    except NoSuchStaff as exc:
        fail(f"no staff account for {exc}")


def _line(s: StaffView) -> str:
    state = "disabled" if s.disabled else "active"
    slack = f" slack:{s.slack_user_id}" if s.slack_user_id else ""
    reads = f" languages:{','.join(s.languages)}" if s.languages else ""
    return f"{s.email}\t{s.name}\t{s.role}\t{s.team or '-'}\t{state}{slack}{reads}"


def _languages(value: str) -> tuple[str, ...]:
    try:
        return parse_codes(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


LANGUAGES_HELP = "The languages they read, ISO 639-1 codes comma-separated, e.g. en,cy."


@staff_app.command("add")
def add(
    email: Annotated[str, typer.Argument(help="Their e-mail address (the login name).")],
    name: Annotated[str, typer.Option("--name", help="Their name as colleagues see it.")],
    role: Annotated[Role, typer.Option("--role", help="agent, lead or admin.")],
    team: Annotated[
        str, typer.Option("--team", help="Their team: a triage team or default_team in the config.")
    ] = "",
    languages: Annotated[str, typer.Option("--languages", help=LANGUAGES_HELP)] = "",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create a staff account (the team must be one the config knows)."""
    reads = _languages(languages)
    if not name.strip():
        raise typer.BadParameter("--name must not be empty")
    address, team = _email(email), _known_team(team)
    password = read_password(password_stdin)

    async def work(store: Store) -> StaffView:
        hashed = await _hash(password)
        return await store.staff.add(
            email=address,
            name=name.strip(),
            role=role.value,
            team=team.strip(),
            password_hash=hashed,
            actor=_actor(),
            languages=reads,
        )

    typer.echo(f"added {_line(_run(work))}")


@staff_app.command("list")
def list_staff() -> None:
    """Every staff account: e-mail, name, role, team, state."""
    for account in _run(lambda store: store.staff.all()):
        typer.echo(_line(account))


@staff_app.command("disable")
def disable(email: Annotated[str, typer.Argument(help="The account's e-mail address.")]) -> None:
    """Disable an account; its sessions end at once."""
    address = _email(email)
    _run(lambda store: store.staff.disable(email=address, actor=_actor()))
    typer.echo(f"disabled {address}; its sessions have ended")


@staff_app.command("reset-password")
def reset_password(
    email: Annotated[str, typer.Argument(help="The account's e-mail address.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Set a new password; the account's sessions end."""
    address, password = _email(email), read_password(password_stdin)

    async def work(store: Store) -> StaffView:
        hashed = await _hash(password)
        return await store.staff.set_password(email=address, password_hash=hashed, actor=_actor())

    _run(work)
    typer.echo(f"new password set for {address}; its sessions have ended")


@staff_app.command("link-slack")
def link_slack(
    email: Annotated[str, typer.Argument(help="The account's e-mail address.")],
    slack_user_id: Annotated[
        str,
        typer.Argument(
            help="Their Slack user id, e.g. U012AB3CD; left out, it is looked up by the "
            "e-mail address (users.lookupByEmail, with FEEDBOT_SLACK_BOT_TOKEN)."
        ),
    ] = "",
) -> None:
    """Link an account to its Slack user (for the staff Slack channel)."""
    address = _email(email)
    slack_user_id = slack_user_id or _slack_user(address)
    if not re.fullmatch(r"[UW][A-Z0-9]{2,31}", slack_user_id):
        raise typer.BadParameter(f"{slack_user_id!r} is not a Slack user id (U… or W…)")
    _run(
        lambda store: store.staff.link_slack(
            email=address, slack_user_id=slack_user_id, actor=_actor()
        )
    )
    typer.echo(f"linked {address} to Slack user {slack_user_id}")


@staff_app.command("languages")
def set_languages(
    email: Annotated[str, typer.Argument(help="The account's e-mail address.")],
    languages: Annotated[str, typer.Argument(help=LANGUAGES_HELP + ' "" for none.')],
) -> None:
    """Set the languages a member of staff reads (the queue's "languages I read" filter)."""
    address, reads = _email(email), _languages(languages)
    _run(lambda store: store.staff.set_languages(email=address, languages=reads, actor=_actor()))
    typer.echo(f"{address} reads {', '.join(reads) or 'no language set'}")
