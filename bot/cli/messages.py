"""messages list, outbox list: what came in, what went out."""

from __future__ import annotations

import asyncio
from enum import StrEnum
from typing import Annotated

import typer

from bot.cli.context import library_time, open_store, settings
from bot.cli.show import add_row, console, json_line, table
from bot.events import Channel
from models.store.inbound.listings import CONVERSATION_KINDS, MessageView, OutboxView

messages_app = typer.Typer(help="Messages received and sent.", no_args_is_help=True)
outbox_app = typer.Typer(help="Outgoing messages and their delivery.", no_args_is_help=True)


class OutboxStatus(StrEnum):
    """What `outbox list --status` accepts."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    SUPERSEDED = "superseded"


def register(app: typer.Typer) -> None:
    """Add the messages and outbox groups."""
    app.add_typer(messages_app, name="messages")
    app.add_typer(outbox_app, name="outbox")


def message_json(m: MessageView) -> dict[str, object]:
    """One message as JSON (contract: id, channel, text, created_at, sentiment, topic,
    language)."""
    return {
        "id": m.id,
        "channel": m.channel,
        "kind": m.kind,
        "direction": m.direction,
        "text": m.text,
        "created_at": m.created_at.isoformat(),
        "conversation_id": m.conversation_id,
        "sentiment": m.sentiment,
        "topic": m.topic,
        "topic_confidence": m.topic_confidence,
        "language": m.language or "und",
        "person": m.person or None,
        "group": m.group,
    }


@messages_app.command("list")
def list_messages(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    channel: Annotated[Channel | None, typer.Option(help="Only this channel.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100_000, help="How many, newest first.")] = 20,
) -> None:
    """Recent messages with their classification."""

    async def fetch() -> list[MessageView]:
        async with open_store(settings()) as store:
            return await store.messages.find(
                channel=channel.value if channel else None, limit=limit, kinds=CONVERSATION_KINDS
            )

    rows = asyncio.run(fetch())
    if as_json:
        for m in rows:
            typer.echo(json_line(message_json(m)))
        return
    shown = table("id", "when", "channel", "dir", "text", "sentiment", "topic")
    clock = library_time(settings())
    for m in rows:
        when = clock(m.created_at)
        add_row(
            shown,
            m.id,
            when,
            m.channel,
            m.direction,
            m.text[:80],
            m.sentiment or "-",
            m.topic or "-",
        )
    console().print(shown)


@outbox_app.command("list")
def list_outbox(
    status: Annotated[OutboxStatus | None, typer.Option(help="Only items in this state.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Outgoing messages: delivered, waiting, or failed (with the reason)."""

    async def fetch() -> list[OutboxView]:
        async with open_store(settings()) as store:
            return await store.outbox.items(status=status.value if status else None, limit=limit)

    rows = asyncio.run(fetch())
    if as_json:
        for o in rows:
            typer.echo(json_line(outbox_json(o)))
        return
    shown = table("id", "channel", "status", "tries", "text", "last error")
    for o in rows:
        state = f"{o.status} (maybe twice)" if o.maybe_twice else o.status
        add_row(shown, o.id, o.channel, state, o.attempts, o.text[:50], o.last_error[:60])
    console().print(shown)


def outbox_json(o: OutboxView) -> dict[str, object]:
    """One outbox item as JSON."""
    return {
        "id": o.id,
        "channel": o.channel,
        "status": o.status,
        "attempts": o.attempts,
        "error": o.last_error,
        "text": o.text,
        "maybe_twice": o.maybe_twice,
    }
