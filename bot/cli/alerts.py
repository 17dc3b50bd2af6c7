"""alerts list: the staff alerts raised, where each went and what became of it."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import typer

from bot.cli.context import library_time, open_store, settings
from bot.cli.show import add_row, console, json_line, table
from models.store.alerts.raised import SendView

alerts_app = typer.Typer(
    help="Staff alerts (urgent items, due times, topic spikes).", no_args_is_help=True
)
KINDS = ("urgent", "due_soon", "overdue", "spike")


def register(app: typer.Typer) -> None:
    """Add the alerts group."""
    app.add_typer(alerts_app, name="alerts")


def send_json(s: SendView) -> dict[str, Any]:
    """One alert send as JSON."""
    return {"alert_id": s.alert_id, "kind": s.kind, "subject": s.subject,
            "destination": s.destination, "status": s.status, "attempts": s.attempts,
            "created_at": s.created_at.isoformat(),
            "sent_at": s.sent_at.isoformat() if s.sent_at else None,
            "next_attempt_at": s.next_attempt_at.isoformat(),
            "last_error": s.last_error}  # fmt: skip


@alerts_app.command("list")
def list_alerts(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    kind: Annotated[str, typer.Option(help="Only urgent, due_soon, overdue or spike.")] = "",
    limit: Annotated[int, typer.Option(min=1, max=1_000_000, help="How many, newest first.")] = 50,
) -> None:
    """Alerts and their sends, newest first: sent, pending (with the next try), dropped (moot
    by then) or failed (with the reason)."""
    if kind and kind not in KINDS:
        raise typer.BadParameter(f"use one of {', '.join(KINDS)}", param_hint="--kind")

    async def fetch() -> list[SendView]:
        async with open_store(settings()) as store:
            return await store.alerts.sends(kind=kind or None, limit=limit)

    rows = asyncio.run(fetch())
    if as_json:
        for r in rows:
            typer.echo(json_line(send_json(r)))
        return
    shown = table("alert", "raised", "kind", "subject", "to", "status", "tries", "error")
    when = library_time(settings())
    for r in rows:
        raised = when(r.created_at)
        add_row(shown, r.alert_id, raised, r.kind, r.subject, r.destination, r.status,
                r.attempts, r.last_error)  # fmt: skip
    console().print(shown)
