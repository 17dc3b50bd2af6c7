"""poll create | list | send | close | results."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer
from rich.table import Table
from rich.text import Text

from bot.adapters.catalog import CAPABILITIES
from bot.cli.context import open_store, settings
from bot.cli.errors import fail
from bot.cli.person import actor
from bot.cli.poll_input import check_values, read_poll_file
from bot.cli.show import add_row, console, literal, table, visible
from bot.ready_channels import CHANNEL_SETTINGS, configured_channels
from config.library import load_library_config
from config.settings import Settings
from config.wording import load_wording
from handlers.polls import service as polls
from handlers.polls.drafting import Draft, Operator, PollDesk, Sent, spec_of
from handlers.polls.questions import summary_lines
from handlers.polls.results import Results, concentration_line
from models.store import Store
from models.store.polls.definitions import PollView, Target
from models.store.polls.personal import QuestionSummary

poll_app = typer.Typer(help="Quick polls: create, send, close, read results.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the poll group."""
    app.add_typer(poll_app, name="poll")


def parse_target(text: str) -> Target:
    """'slack:C123', 'telegram:-100123=250' (audience size after '='), or 'widget'."""
    where, _, size = text.partition("=")
    channel, _, chat = where.partition(":")
    if size and not size.isdigit():
        raise typer.BadParameter(f"audience size in {text!r} must be a whole number")
    return Target(channel.strip().lower(), chat.strip(), int(size) if size else None)


def spec_from(values: dict[str, Any]) -> polls.PollSpec:
    """A PollSpec from CLI flags, a YAML file or a template (same keys)."""
    return spec_of(
        question=str(values.get("question", "")),
        kind=str(values.get("kind", "single")),
        labels=[str(o) for o in values.get("options") or []],
        targets=[parse_target(str(t)) for t in values.get("to") or []],
        follow_up=str(values.get("follow_up") or ""),
        anonymous=bool(values.get("anonymous", False)),
        post_results=bool(values.get("post_results", False)),
        live_results=bool(values.get("live_results", False)),
        repeat_days=int(values["repeat_days"]) if values.get("repeat_days") else None,
    )


@poll_app.command("create")
def create(
    question: Annotated[str, typer.Option("--question", "-q", help="What to ask.")] = "",
    kind: Annotated[str, typer.Option(help="csat, nps, yes_no, single or multi.")] = "",
    option: Annotated[list[str] | None, typer.Option(help="A choice (repeat).")] = None,
    to: Annotated[
        list[str] | None, typer.Option(help="slack:CHANNEL, telegram:CHAT, widget (repeat).")
    ] = None,
    follow_up: Annotated[str, typer.Option(help="Asked after a low answer.")] = "",
    post_results: Annotated[bool, typer.Option(help="Post 'you said' results on close.")] = False,
    anonymous: Annotated[
        bool, typer.Option(help="Nobody in the chat sees who answered what; no follow-up.")
    ] = False,
    opens_at: Annotated[datetime | None, typer.Option(help="Open automatically at (UTC).")] = None,
    closes_at: Annotated[
        datetime | None, typer.Option(help="Close automatically at (UTC).")
    ] = None,
    live_results: Annotated[
        bool, typer.Option(help="Show the tally on Slack as votes come.")
    ] = False,
    repeat_days: Annotated[
        int | None, typer.Option(min=1, help="Run again every N days (needs --closes-at).")
    ] = None,
    file: Annotated[Path | None, typer.Option(help="A YAML file with the same keys.")] = None,
    template: Annotated[str, typer.Option(help="A template from the config file.")] = "",
    even_in_quiet: Annotated[
        bool, typer.Option(help="Open even in a quiet period of the calendar (exams).")
    ] = False,
) -> None:
    """Create a poll (checked against every chosen channel); prints its id."""
    loaded = settings()
    values: dict[str, Any] = {}
    if template:
        templates = load_library_config(loaded.config_file).poll_templates
        if template not in templates:
            fail(f"no poll template {template!r}; known: {', '.join(templates) or 'none'}")
        values.update(check_values(templates[template], f"poll template {template!r}"))
    if file is not None:
        values.update(read_poll_file(file))
    flags = {
        "question": question,
        "kind": kind,
        "options": option,
        "to": to,
        "follow_up": follow_up,
        "repeat_days": repeat_days,
    }
    values.update({k: v for k, v in flags.items() if v})
    values["post_results"] = post_results or values.get("post_results", False)
    values["live_results"] = live_results or values.get("live_results", False)
    values["anonymous"] = anonymous or values.get("anonymous", False)
    try:
        spec = spec_from(values)
    except polls.PollRefused as exc:
        fail(f"poll refused: {exc}")
    draft = Draft(spec, _utc(opens_at), _utc(closes_at), even_in_quiet)
    try:
        poll_id = asyncio.run(_create(loaded, draft))
    except polls.PollRefused as exc:
        fail(f"poll refused: {exc}")
    typer.echo(str(poll_id))


async def _create(loaded: Settings, draft: Draft) -> int:
    async with open_store(loaded) as store:
        return await _desk(store, loaded).create(draft, by=Operator(actor()))


def _utc(when: datetime | None) -> datetime | None:
    from datetime import UTC

    return None if when is None else when.replace(tzinfo=when.tzinfo or UTC)


@poll_app.command("list")
def list_polls(
    everything: Annotated[
        bool,
        typer.Option(
            "--all", help="Also each poll that asks one person (consent, group, satisfaction)."
        ),
    ] = False,
) -> None:
    """The polls staff wrote with their status and audience, then one line per question asked
    of each person on their own (--all lists those polls too)."""

    async def fetch() -> tuple[list[PollView], list[QuestionSummary]]:
        async with open_store(settings()) as store:
            return await store.polls.all(
                personal=everything
            ), await store.polls.question_summaries()

    shown = table("id", "status", "kind", "question", "to")
    polls_shown, summed = asyncio.run(fetch())
    for p in polls_shown:
        to = ", ".join(f"{t.channel}:{t.chat}" if t.chat else t.channel for t in p.targets)
        add_row(shown, p.id, p.status, p.kind, p.question[:60], to)
    out = console()
    out.print(shown)
    for line in summary_lines(summed):
        out.print(literal(line))


def _polls(store: Store, loaded: Settings) -> polls.Polls:
    """The poll use case as the CLI runs it: posts wait in the outbox for the bot."""
    wording = load_wording(load_library_config(loaded.config_file), loaded.languages_dir)
    return polls.Polls(store, CAPABILITIES, lambda: None, wording=wording)


def _desk(store: Store, loaded: Settings) -> PollDesk:
    """Drafting and sending by hand, as the poll page does, for the shell's operator."""
    return PollDesk(
        store,
        _polls(store, loaded),
        CAPABILITIES,
        ready=configured_channels(loaded),
        needs=CHANNEL_SETTINGS,
        calendar=load_library_config(loaded.config_file).calendar,
        zone=ZoneInfo(loaded.timezone),
    )


@poll_app.command("send")
def send(
    poll_id: int,
    even_in_quiet: Annotated[
        bool, typer.Option(help="Send even in a quiet period of the calendar (exams).")
    ] = False,
) -> None:
    """Open the poll and post it to its channels (through the outbox); in a quiet period of
    the calendar it waits until that ends, unless --even-in-quiet."""

    loaded = settings()

    async def go() -> Sent:
        async with open_store(loaded) as store:
            desk = _desk(store, loaded)
            return await desk.send(poll_id, by=Operator(actor()), even_in_quiet=even_in_quiet)

    try:
        sent = asyncio.run(go())
    except (LookupError, polls.PollRefused) as exc:
        fail(str(exc).strip("'\""))
    if sent.held is not None:
        typer.echo(
            f"poll {poll_id} waits out {sent.held.period}: it opens on "
            f"{sent.held.last_day + timedelta(days=1):%Y-%m-%d} (--even-in-quiet sends it now)"
        )
        return
    typer.echo(f"poll {poll_id} is open; {sent.posted} post(s) queued")


@poll_app.command("close")
def close(poll_id: int) -> None:
    """Close the poll; later votes are answered politely and not counted."""

    loaded = settings()

    async def go() -> Results:
        async with open_store(loaded) as store:
            return await _polls(store, loaded).close(poll_id)

    try:
        outcome = asyncio.run(go())
    except LookupError as exc:
        fail(str(exc).strip("'\""))
    answers = "answer" if outcome.responses == 1 else "answers"
    typer.echo(f"poll {poll_id} is closed with {outcome.responses} {answers}")


@poll_app.command("results")
def results(
    poll_id: int,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Counts and percentages per option and channel, CSAT or NPS, response rate."""

    async def go() -> Results:
        async with open_store(settings()) as store:
            return await polls.results(store, poll_id)

    try:
        r = asyncio.run(go())
    except LookupError as exc:
        fail(str(exc).strip("'\""))
    if as_json:
        typer.echo(json.dumps(dataclasses.asdict(r)))
        return
    _show(r)


def _show(r: Results) -> None:
    out = console()
    for line in report(r):
        out.print(line)


def report(r: Results) -> list[str | Text | Table]:
    """What `poll results` prints: the question, a table of options (all channels, then each
    channel's counts), and the scores."""
    status = f"{r.status}, anonymous" if r.anonymous else r.status
    channels = sorted(r.by_channel)
    counts = table("answer", "count", "%", *channels)
    for o in r.options:
        by_channel = (r.by_channel[c].get(o.key, 0) for c in channels)
        add_row(counts, o.label, o.count, f"{o.percent:g}", *by_channel)
    title = Text.assemble((f"#{r.poll_id} {visible(r.question)}", "bold"), f" ({status})")
    lines: list[str | Text | Table] = [title, counts]
    lines.append(f"responses: {r.responses}")
    for name, value in (
        ("CSAT (% of 4s and 5s)", r.csat),
        ("NPS (promoters - detractors)", r.nps),
        ("response rate %", r.response_rate),
    ):
        if value is not None:
            lines.append(f"{name}: {value:g}")
    if r.aggregate_only:
        lines.append(f"aggregate only (counts without voters): {', '.join(r.aggregate_only)}")
    if r.follow_ups:
        lines.append(f"follow-up comments: {r.follow_ups}")
    if r.web_concentration is not None:
        lines.append(f"web votes: {concentration_line(r.web_concentration)}")
    return lines
