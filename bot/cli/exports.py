"""export conversations, export messages: the team's tables as CSV or JSON lines, streamed a
page at a time (constant memory), with a progress bar when stderr is a terminal."""

from __future__ import annotations

import asyncio
import csv
import json
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import IO, Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress

from bot.cli.context import open_store, settings
from bot.cli.errors import CommandError
from bot.cli.show import json_line, visible
from models.store.rights.team_export import CONVERSATION_FIELDS, MESSAGE_FIELDS


class Format(StrEnum):
    """What --format accepts."""

    CSV = "csv"
    JSONL = "jsonl"


Since = Annotated[str, typer.Option(help="Only from this day on (YYYY-MM-DD, UTC).")]
Fmt = Annotated[
    Format,
    typer.Option(
        "--format",
        help="csv or jsonl. In CSV, text starting with = + - @, a tab or a carriage return gets"
        " a leading ' so that spreadsheets show it as text, never run it as a formula.",
    ),
]
Out = Annotated[Path | None, typer.Option(help="Write here (default: stdout).")]


def since_day(text: str) -> datetime | None:
    """The --since day as the start of that UTC day; a clear error otherwise."""
    if not text:
        return None
    try:
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
    except ValueError:
        raise CommandError(f"--since must be a day as YYYY-MM-DD, not {text!r}") from None


def export_messages(since: Since = "", fmt: Fmt = Format.CSV, out: Out = None) -> None:
    """One row per message with its labels."""
    export("messages", MESSAGE_FIELDS, since_day(since), fmt, out)


def export_conversations(since: Since = "", fmt: Fmt = Format.CSV, out: Out = None) -> None:
    """One row per queue item (a person's conversation) with its times, labels and CSAT."""
    export("conversations", CONVERSATION_FIELDS, since_day(since), fmt, out)


def export(
    kind: str, fields: tuple[str, ...], since: datetime | None, fmt: Format, out: Path | None
) -> None:
    """Stream the rows to ``out`` (written whole, then renamed into place) or stdout."""
    if out is None:
        n = asyncio.run(stream(kind, fields, since, fmt, sys.stdout))
    else:
        part = out.with_name(out.name + ".part")
        with part.open("w", encoding="utf-8", newline="") as sink:
            n = asyncio.run(stream(kind, fields, since, fmt, sink))
        part.replace(out)
    print(f"feedbot: exported {n} {kind}", file=sys.stderr)


async def stream(
    kind: str, fields: tuple[str, ...], since: datetime | None, fmt: Format, sink: IO[str]
) -> int:
    """Write every row; returns how many."""
    write = page_writer(fields, fmt, sink, sink.isatty())
    written = 0
    async with open_store(settings()) as store:
        total = await store.rights.count_rows(kind=kind, since=since)
        with TerminalProgress(total) as advance:
            async for rows in store.rights.iter_rows(kind=kind, since=since):
                write(rows)
                written += len(rows)
                advance(len(rows))
    return written


def page_writer(
    fields: tuple[str, ...], fmt: Format, sink: IO[str], terminal: bool
) -> Callable[[list[tuple[Any, ...]]], None]:
    """A function writing a page of rows, encoded into one string and written at once; on a
    terminal, stored text is shown literally."""
    if fmt is Format.JSONL:
        dump: Callable[[object], str] = json_line if terminal else PLAIN_JSON

        def jsonl(rows: list[tuple[Any, ...]]) -> None:
            sink.write("".join([dump(dict(zip(fields, row, strict=True))) + "\n" for row in rows]))

        return jsonl
    csv.writer(sink).writerow(fields)

    def csv_rows(rows: list[tuple[Any, ...]]) -> None:
        chunks = Chunks()
        writer = csv.writer(chunks)
        shown = [[visible(str(v)) for v in r] for r in rows] if terminal else rows
        writer.writerows([_safe(r) if _risky(r) else r for r in shown])
        sink.write("".join(chunks))

    return csv_rows


FORMULA_START = frozenset("=+-@\t\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP, CSV Injection)."""


def _risky(row: Sequence[Any]) -> bool:
    """Whether any text in the row starts like a formula (few rows do: checked first)."""
    return any(v.__class__ is str and v[:1] in FORMULA_START for v in row)


def _safe(row: Sequence[Any]) -> list[Any]:
    """The row with a ' before each text that starts like a formula, so that a spreadsheet shows
    it as text (OWASP's advice); the rest of the text, and numbers, as they are."""
    return ["'" + v if v.__class__ is str and v[:1] in FORMULA_START else v for v in row]


class Chunks(list[str]):
    """What the csv module writes, kept as a list of strings (faster than a file per row)."""

    write = list.append


PLAIN_JSON = json.JSONEncoder(ensure_ascii=False).encode
"""One JSON line as stored (the C encoder, made once)."""


class TerminalProgress:
    """A progress bar on stderr when it is a terminal; nothing otherwise."""

    def __init__(self, total: int) -> None:
        self._bar = Progress(console=Console(stderr=True)) if sys.stderr.isatty() else None
        self._task = self._bar.add_task("exporting", total=total) if self._bar else None

    def __enter__(self) -> Callable[[int], None]:
        if self._bar is not None:
            self._bar.start()
        return self.advance

    def advance(self, n: int) -> None:
        """Count ``n`` more rows done."""
        if self._bar is not None and self._task is not None:
            self._bar.advance(self._task, n)

    def __exit__(self, *_exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
