"""messages list, outbox list: what came in, what went out."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from bot.cli.context import open_store, settings
from bot.events import Channel
from models.store.views import CONVERSATION_KINDS, MessageView, OutboxView

messages_app = typer.Typer(help="Messages received and sent.", no_args_is_help=True)
outbox_app = typer.Typer(help="Outgoing messages and their delivery.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the messages and outbox groups."""
    app.add_typer(messages_app, name="messages")
    app.add_typer(outbox_app, name="outbox")


def message_json(m: MessageView) -> dict[str, object]:
    """One message as JSON (contract: id, channel, text, created_at, sentiment, topic)."""
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
            return await store.messages(
                channel=channel.value if channel else None, limit=limit, kinds=CONVERSATION_KINDS
            )

    rows = asyncio.run(fetch())
    if as_json:
        for m in rows:
            typer.echo(json.dumps(message_json(m), ensure_ascii=False))
        return
    table = Table("id", "when (UTC)", "channel", "dir", "text", "sentiment", "topic")
    for m in rows:
        table.add_row(
            str(m.id),
            m.created_at.strftime("%Y-%m-%d %H:%M"),
            m.channel,
            m.direction,
            m.text[:80],
            m.sentiment or "-",
            m.topic or "-",
        )
    Console().print(table)


@outbox_app.command("list")
def list_outbox(
    status: Annotated[str | None, typer.Option(help="pending, sent or failed.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Outgoing messages: delivered, waiting, or failed (with the reason)."""

    async def fetch() -> list[OutboxView]:
        async with open_store(settings()) as store:
            return await store.outbox_items(status=status, limit=limit)

    rows = asyncio.run(fetch())
    if as_json:
        for o in rows:
            typer.echo(
                json.dumps(
                    {
                        "id": o.id,
                        "channel": o.channel,
                        "status": o.status,
                        "attempts": o.attempts,
                        "error": o.last_error,
                        "text": o.text,
                    }
                )
            )
        return
    table = Table("id", "channel", "status", "tries", "text", "last error")
    for o in rows:
        table.add_row(
            str(o.id), o.channel, o.status, str(o.attempts), o.text[:50], o.last_error[:60]
        )
    Console().print(table)
