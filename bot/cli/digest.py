"""digest build | send."""

from __future__ import annotations

import asyncio
from datetime import time
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from bot.cli.context import library_time, open_store, settings
from bot.cli.errors import CommandError, fail
from config.library import load_library_config
from config.settings import Settings
from handlers.digest.sender import DigestSender, NotSent
from handlers.digest.service import Digests
from handlers.digest.week import IsoWeek, has_ended, last_complete_week
from models.store import Store
from models.store.digest.runs import Run

digest_app = typer.Typer(help="The weekly digest: build it, send it.", no_args_is_help=True)
FORMATS = ("html", "md", "json")


def register(app: typer.Typer) -> None:
    """Add the digest group."""
    app.add_typer(digest_app, name="digest")


def digests_for(loaded: Settings, store: Store) -> Digests:
    """The digest service from the settings and the library's config file."""
    from bot.wiring.digest import digest_service
    from config.wording import load_wording

    library = load_library_config(loaded.config_file)
    return digest_service(loaded, library, store, load_wording(library, loaded.languages_dir))


def chosen_week(loaded: Settings, week: str) -> IsoWeek:
    """--week, or the last complete week in the library's time zone."""
    if not week:
        from bot.events import utcnow

        return last_complete_week(utcnow(), ZoneInfo(loaded.timezone))
    try:
        return IsoWeek.parse(week)
    except ValueError as exc:
        fail(f"--week: {exc}")


@digest_app.command("build")
def build(
    week: Annotated[str, typer.Option(help="ISO week, e.g. 2026-W48 (default: last week).")] = "",
    format: Annotated[str, typer.Option("--format", help="html, md or json.")] = "html",
    out: Annotated[Path | None, typer.Option(help="Write here instead of standard output.")] = None,
) -> None:
    """Build one week's digest (every figure from the store) and print or save it."""
    if format not in FORMATS:
        fail(f"--format must be one of {', '.join(FORMATS)}, not {format!r}")
    loaded = settings()
    text = asyncio.run(_build(loaded, chosen_week(loaded, week), format))
    if out is None:
        typer.echo(text)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"--out: cannot write {out}: {exc.strerror}")
    typer.echo(f"digest written to {out}", err=True)


async def _build(loaded: Settings, week: IsoWeek, format: str) -> str:
    async with open_store(loaded) as store:
        digests = digests_for(loaded, store)
        if format == "html":
            return digests.html(await digests.drawn(week), "file")
        digest = await digests.figures(week)
        return digests.markdown(digest) if format == "md" else digests.json(digest)


NO_DESTINATION = (
    "nothing to send to: set FEEDBOT_SMTP_HOST, FEEDBOT_DIGEST_TO and FEEDBOT_MAIL_FROM, "
    "or FEEDBOT_STAFF_SLACK_CHANNEL and FEEDBOT_SLACK_BOT_TOKEN"
)


@digest_app.command("send")
def send(
    week: Annotated[str, typer.Option(help="ISO week, e.g. 2026-W48 (default: last week).")] = "",
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Send a week still in progress: its figures so far, now (its own digest still "
            "goes the Monday after).",
        ),
    ] = False,
) -> None:
    """Send one week's digest to each destination that has not had it yet (a week that has not
    ended is refused unless --force)."""
    loaded = settings()
    chosen = chosen_week(loaded, week)
    if force and not _ended(loaded, chosen):
        for line in asyncio.run(_send_early(loaded, chosen)):
            typer.echo(line)
        return
    runs = asyncio.run(_send(loaded, chosen))
    when = library_time(loaded)
    for run in runs:
        state = f"sent {when(run.sent_at)}" if run.sent_at else run.status
        error = f" ({run.last_error})" if run.status != "sent" and run.last_error else ""
        typer.echo(f"{run.week} {run.destination}: {state}{error}")
    if any(r.status != "sent" for r in runs):
        fail(f"the digest of {chosen} did not reach every destination; it is retried by the bot")


async def _send(loaded: Settings, week: IsoWeek) -> list[Run]:
    """Queue the week's digest where it has not gone, then send the e-mail now (through the
    outbox, as the bot would; anything for the staff chat goes when the bot runs)."""
    from bot.events import utcnow

    async with open_store(loaded) as store:
        sender = _sender(loaded, store)
        try:
            await sender.send(week, utcnow(), retry_now=True)
        except NotSent as exc:
            raise CommandError(str(exc)) from None
        runs = await store.digest_runs.listed(weeks=[str(week)])
        ids = [r.message_id for r in runs if r.message_id is not None and r.status != "sent"]
        await store.outbox.retry_now(message_ids=ids)
        await _mail_now(loaded, store)
        return await store.digest_runs.listed(weeks=[str(week)])


def _sender(loaded: Settings, store: Store) -> DigestSender:
    """The digest's sender to every configured destination (CommandError when there is none)."""
    from bot.wiring.digest import digest_destinations

    digests = digests_for(loaded, store)
    destinations = digest_destinations(loaded, digests)
    if not destinations:
        raise CommandError(NO_DESTINATION)
    return DigestSender(store, digests, destinations, send_at=time(8))


def _ended(loaded: Settings, week: IsoWeek) -> bool:
    from bot.events import utcnow

    return has_ended(week, utcnow(), ZoneInfo(loaded.timezone))


async def _send_early(loaded: Settings, week: IsoWeek) -> list[str]:
    """The figures so far of a week in progress, now (no digest_runs row: the week's own
    digest still goes the Monday after)."""
    from bot.events import utcnow

    async with open_store(loaded) as store:
        sender = _sender(loaded, store)
        queued = await sender.send_early(week, utcnow())
        await _mail_now(loaded, store)
    return [
        f"{week} {name}: queued now, message {number} (figures so far; the week's own digest "
        "still goes the Monday after)"
        for name, number in queued
    ]


async def _mail_now(loaded: Settings, store: Store) -> None:
    """One turn of the outbox for the e-mail channel alone."""
    from bot.events import Channel
    from bot.wiring.channels import email_sender
    from handlers.delivery import Delivery
    from handlers.metrics import Metrics

    delivery = Delivery(
        store,
        email_sender(loaded),
        Metrics(),
        max_attempts=loaded.outbox_max_attempts,
        base_delay=loaded.outbox_base_delay_s,
        max_delay=loaded.outbox_max_delay_s,
        only={Channel.EMAIL},
    )
    await delivery.run_once()
