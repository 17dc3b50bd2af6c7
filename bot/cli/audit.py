"""retention run, audit list: the retention period applied by hand, and who did what."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import typer

from bot.cli.context import library_time, open_store, settings
from bot.cli.person import actor
from bot.cli.show import add_row, console, json_line, literal, table
from bot.events import utcnow
from handlers.retention import cutoff
from models.store.rights.audit_list import AuditFilter, AuditRow
from models.store.rights.retention import Purge

retention_app = typer.Typer(
    help="The retention period (FEEDBOT_RETENTION_DAYS).", no_args_is_help=True
)
audit_app = typer.Typer(
    help="The audit log: staff actions, exports, erasures.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    """Add the retention and audit groups."""
    app.add_typer(retention_app, name="retention")
    app.add_typer(audit_app, name="audit")


@retention_app.command("run")
def run_retention(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would go; change nothing.")
    ] = False,
) -> None:
    """Replace texts older than the retention period with a marker; remove old addresses and
    closed items' notes (counts, labels and poll results stay)."""
    loaded = settings()
    limit = cutoff(utcnow(), loaded.retention_days)
    if limit is None:
        console().print(literal("FEEDBOT_RETENTION_DAYS=0: everything is kept, nothing to remove"))
        return

    async def run() -> Purge:
        async with open_store(loaded) as store:
            return await store.rights.retention(cutoff=limit, dry_run=dry_run, actor=actor())

    done = asyncio.run(run())
    head = "would remove (dry run, nothing changed)" if dry_run else "removed"
    shown = done.lines(library_time(loaded)(done.cutoff))
    for line in [f"retention {loaded.retention_days} days: {head}", *shown]:
        console().print(literal(line))


def row_json(r: AuditRow) -> dict[str, Any]:
    """One audit entry as JSON."""
    return {"id": r.id, "at": r.at.isoformat(), "actor": r.actor, "action": r.action,
            "subject": r.subject, "detail": r.detail}  # fmt: skip


@audit_app.command("list")
def list_audit(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    actor_: Annotated[
        str, typer.Option("--actor", help="Only this actor (staff:3, cli:ann).")
    ] = "",
    action: Annotated[str, typer.Option(help="Only this action (erase_person, reply, ...).")] = "",
    subject: Annotated[str, typer.Option(help="Only this subject; item:* for a prefix.")] = "",
    limit: Annotated[int, typer.Option(min=1, max=1_000_000, help="How many, newest first.")] = 100,
) -> None:
    """Audit entries, newest first."""
    wanted = AuditFilter(actor=actor_, action=action, subject=subject)

    async def fetch() -> list[AuditRow]:
        async with open_store(settings()) as store:
            return await store.rights.audit_log(filter=wanted, limit=limit)

    rows = asyncio.run(fetch())
    if as_json:
        for r in rows:
            typer.echo(json_line(row_json(r)))
        return
    shown = table("id", "at", "actor", "action", "subject", "detail")
    when = library_time(settings())
    for r in rows:
        add_row(
            shown,
            r.id,
            when(r.at, seconds=True),
            r.actor,
            r.action,
            r.subject,
            json_line(r.detail),
        )
    console().print(shown)
