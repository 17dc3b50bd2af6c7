"""queue list, queue show: the staff queue from the command line (stored text printed
literally: no markup is read into it)."""

from __future__ import annotations

import asyncio
from enum import StrEnum
from typing import Annotated, Any

import typer

from bot.cli.context import library_time, open_store, settings
from bot.cli.errors import CommandError
from bot.cli.show import add_row, console, json_line, literal, table
from bot.events import utcnow
from models.language import UNDETERMINED, parse_codes
from models.store.inbox.types import ItemPage, ItemRow, QueueFilter

queue_app = typer.Typer(help="The staff queue: messages that need a person.", no_args_is_help=True)


class Status(StrEnum):
    """What `queue list --status` accepts."""

    NEW = "new"
    OPEN = "open"
    PENDING = "pending"
    SNOOZED = "snoozed"
    RESOLVED = "resolved"


def register(app: typer.Typer) -> None:
    """Add the queue group."""
    app.add_typer(queue_app, name="queue")


def item_json(row: ItemRow) -> dict[str, Any]:
    """One queue item as JSON (contract fields, plus overdue and the response times)."""
    when = {
        k: v.isoformat() if v else None
        for k, v in (
            ("due_at", row.due_at),
            ("created_at", row.created_at),
            ("first_response_at", row.first_response_at),
            ("resolved_at", row.resolved_at),
            ("snoozed_until", row.snoozed_until),
        )
    }
    return {
        "id": row.id,
        "conversation_id": row.conversation_id,
        "channel": row.channel,
        "status": row.status,
        "priority": row.priority,
        "team": row.team,
        "assignee": row.assignee or None,
        "topic": row.topic,
        "sentiment": row.sentiment,
        "language": row.language,
        "person": row.person or None,
        "group": row.group,
        "text": row.text,
        "overdue": row.overdue(utcnow()),
        **when,
    }


@queue_app.command("list")
def list_queue(
    status: Annotated[
        Status | None, typer.Option(help="Only this status (default: all open).")
    ] = None,
    team: Annotated[str | None, typer.Option(help="Only this team.")] = None,
    language: Annotated[
        str | None, typer.Option(help="Only items in this language (ISO 639-1, or und).")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=100_000, help="How many, soonest due.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Queue items, soonest due first."""
    statuses = (status.value,) if status else ()
    wanted = QueueFilter(statuses=statuses, team=team, language=_language(language))

    async def fetch() -> list[ItemRow]:
        async with open_store(settings()) as store:
            return await store.inbox.listing(filter=wanted, limit=limit)

    rows = asyncio.run(fetch())
    if as_json:
        for row in rows:
            typer.echo(json_line(item_json(row)))
        return
    shown = table("id", "due", "status", "priority", "team", "assignee", "channel", "text")
    now, when = utcnow(), library_time(settings())
    for r in rows:
        due = when(r.due_at) + (" OVERDUE" if r.overdue(now) else "")
        cells = (r.id, due, r.status, r.priority, r.team, r.assignee or "-", r.channel)
        add_row(shown, *cells, literal(r.text, 70))
    console().print(shown)


@queue_app.command("show")
def show_item(
    item_id: Annotated[int, typer.Argument(help="The queue item's id.")],
    as_json: Annotated[bool, typer.Option("--json", help="As one JSON object.")] = False,
) -> None:
    """One item and the latest page of its conversation, replies and notes."""

    async def fetch() -> ItemPage | None:
        async with open_store(settings()) as store:
            return await store.inbox.page(item_id=item_id, limit=50)

    page = asyncio.run(fetch())
    if page is None:
        raise CommandError(f"no queue item {item_id}")
    if as_json:
        typer.echo(json_line(_page_json(page)))
        return
    out, when = console(), library_time(settings())
    out.print(literal(_summary(page.item.row, when(page.item.row.due_at))))
    for e in page.entries:
        twice = ", may have been delivered twice" if e.maybe_twice else ""
        state = f" [{e.delivery}{twice}{': ' + e.error if e.error else ''}]" if e.delivery else ""
        who = e.staff_name or e.kind
        out.print(literal(f"{when(e.at)}  {e.kind:<6} {who}: {e.text}{state}"))


def _language(code: str | None) -> str | None:
    """A language code as given to --language, checked (und: the undetermined ones)."""
    if code is None or code.strip().lower() == UNDETERMINED:
        return None if code is None else UNDETERMINED
    try:
        codes = parse_codes(code)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--language") from None
    if len(codes) != 1:
        raise typer.BadParameter("give one language code, such as cy", param_hint="--language")
    return codes[0]


def _summary(r: ItemRow, due: str) -> str:
    return (
        f"item {r.id} · {r.status} · {r.priority} · team {r.team or '-'} · "
        f"{r.assignee or 'unassigned'} · {r.channel} · due {due} · "
        f"topic {r.topic or '-'} · sentiment {r.sentiment or '-'} · language {r.language}"
    )


def _page_json(page: ItemPage) -> dict[str, Any]:
    entries = [
        {
            "kind": e.kind,
            "text": e.text,
            "at": e.at.isoformat(),
            "staff": e.staff_name or None,
            "delivery": e.delivery or None,
            "error": e.error or None,
            "maybe_twice": e.maybe_twice,
        }
        for e in page.entries
    ]
    return {**item_json(page.item.row), "entries": entries, "older": page.older}
