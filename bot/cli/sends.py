"""send: a poll or a message to an audience (a dry run first, if you like); sends: the latest
sends with their tallies; panel: its members by customer group (pseudonyms only)."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, time
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from bot.adapters.catalog import CAPABILITIES
from bot.cli.context import open_store, settings
from bot.cli.errors import fail
from bot.wiring import reach
from bot.wiring.basics import Said
from config.library import load_library_config
from config.settings import Settings
from config.wording import load_wording
from handlers.digest.figures import pseudonymous_name
from handlers.reach.service import Report
from handlers.reach.spec import SendRefused, SendSpec
from handlers.speaking import Remembered


def register(app: typer.Typer) -> None:
    """Add send, sends and panel."""
    app.command("send")(send)
    app.command("sends")(recent)
    app.command("panel")(panel)


def send(
    poll: Annotated[int | None, typer.Option(help="The poll to send (its id).")] = None,
    text: Annotated[str, typer.Option(help="A message to send instead of a poll.")] = "",
    group: Annotated[list[str] | None, typer.Option(help="A customer group (repeat).")] = None,
    channel: Annotated[list[str] | None, typer.Option(help="A channel (repeat).")] = None,
    topic: Annotated[list[str] | None, typer.Option(help="People who raised it (repeat).")] = None,
    theme: Annotated[
        list[str] | None, typer.Option(help="People who wrote in it (repeat).")
    ] = None,
    panel: Annotated[bool, typer.Option("--panel", help="Advisory panel members only.")] = False,
    silent_since: Annotated[
        datetime | None, typer.Option(help="People not heard from since this day.")
    ] = None,
    since: Annotated[
        datetime | None, typer.Option(help="Topics and themes raised since this day (8 weeks).")
    ] = None,
    sample: Annotated[float, typer.Option(help="Send to a random share (0-1].")] = 1.0,
    even_in_quiet: Annotated[
        bool,
        typer.Option(
            "--even-in-quiet",
            help="Send even in a quiet period of the academic calendar (else it waits).",
        ),
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count, send nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="The report as one JSON line.")] = False,
) -> None:
    """Send a poll or a message to an audience: opt-outs, the contact cap, quiet hours, the
    calendar's quiet periods and each platform's rules apply; the report says who was left
    out and why."""
    loaded = settings()
    zone = ZoneInfo(loaded.timezone)
    spec = SendSpec(
        poll_id=poll,
        text=text.strip(),
        groups=tuple(group or ()),
        channels=tuple(channel or ()),
        topics=tuple(topic or ()),
        themes=tuple(theme or ()),
        panel=panel,
        silent_since=_local(silent_since, zone),
        raised_since=_local(since, zone),
        sample=sample,
        even_in_quiet=even_in_quiet,
    )
    try:
        report = asyncio.run(_send(loaded, spec, dry_run))
    except SendRefused as exc:
        fail(f"send refused: {exc}")
    typer.echo(json.dumps(report.as_dict()) if as_json else "\n".join(lines(report)))


def _local(day: datetime | None, zone: ZoneInfo) -> datetime | None:
    """A day or time given at the CLI, in the library's time zone."""
    if day is None:
        return None
    if day.tzinfo is None:
        return datetime.combine(day.date(), day.time() or time(0), tzinfo=zone)
    return day


async def _send(loaded: Settings, spec: SendSpec, dry_run: bool) -> Report:
    library = load_library_config(loaded.config_file)
    wording = load_wording(library, loaded.languages_dir)
    async with open_store(loaded) as store:
        said = Said(wording, Remembered(store.languages))
        use = reach.sends(loaded, library, said, store, CAPABILITIES)
        if dry_run:
            return await use.preview(spec, by=None)
        return await use.send(spec, by=None)


def lines(report: Report) -> list[str]:
    """The report as people read it."""
    told = sum(report.told.values())
    where = ", ".join(f"{n} on {c}" for c, n in report.told.items()) or "nobody"
    verb = "would tell" if report.dry_run else f"send {report.send_id}: told"
    out = [f"{verb} {told}: {where}"]
    left = ", ".join(f"{n} {why.replace('_', ' ')}" for why, n in report.left_out.items())
    out.append(f"left out: {left}")
    for why, per in report.left_out_by_channel.items():
        out.append(
            f"  {why.replace('_', ' ')}: " + ", ".join(f"{n} on {c}" for c, n in per.items())
        )
    if report.quiet_period is not None and report.starts is not None:
        out.append(
            f"quiet period: waits out {report.quiet_period}; the first message goes at"
            f" {report.starts.isoformat()} (--even-in-quiet to send now)"
        )
    elif report.starts is not None:
        out.append(f"quiet hours: the first message goes at {report.starts.isoformat()}")
    if report.ends is not None and not report.dry_run:
        out.append(f"paced to each platform's rate: the last may go at {report.ends.isoformat()}")
    return out


def recent(
    limit: Annotated[int, typer.Option(min=1, max=1000, help="How many.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON line per send.")] = False,
) -> None:
    """The latest sends: whom they told, who was left out, and replies and answers since."""
    loaded = settings()
    found = asyncio.run(_recent(loaded, limit))
    for s in found:
        if as_json:
            typer.echo(json.dumps(s))
            continue
        t = s["tally"]
        typer.echo(
            f"send {s['id']} {s['at']} {s['kind']} by {s['by']}: told {t['told']},"
            f" replied {t['replied']}, answered {t['answered']}"
        )


async def _recent(loaded: Settings, limit: int) -> list[dict[str, Any]]:
    async with open_store(loaded) as store:
        return await store.reach.recent(limit=limit)


def panel(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON line per member.")] = False,
) -> None:
    """The advisory panel's members by customer group, as pseudonyms."""
    loaded = settings()
    members = asyncio.run(_members(loaded))
    if not members:
        typer.echo("the panel has no members yet")
    for group, pseudonym, joined in members:
        row = {"group": group, "person": pseudonymous_name(pseudonym), "joined": joined.isoformat()}
        typer.echo(
            json.dumps(row)
            if as_json
            else f"{group or 'unknown'}\t{row['person']}\t{row['joined']}"
        )


async def _members(loaded: Settings) -> list[tuple[str | None, str, datetime]]:
    async with open_store(loaded) as store:
        return await store.reach.panel_members()
