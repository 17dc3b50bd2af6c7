"""themes list: a week's themes (computed first when missing or stale), new and rising first."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from bot.cli.context import open_store, settings
from bot.cli.errors import fail
from bot.cli.show import add_row, console, json_line, table
from config.settings import Settings
from handlers.digest.week import IsoWeek
from handlers.themes.compute import ThemeBuilder
from handlers.themes.usecases import ThemeRefused, Themes, WeekThemes
from models.store.themes.types import ThemeLine

themes_app = typer.Typer(
    help="Themes: what people write about beyond the topics.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    """Add the themes group."""
    app.add_typer(themes_app, name="themes")


@themes_app.command("list")
def list_themes(
    week: Annotated[
        str, typer.Option(help="ISO week, e.g. 2026-W48 (default: the week in progress).")
    ] = "",
    as_json: Annotated[bool, typer.Option("--json", help="One JSON line per theme.")] = False,
) -> None:
    """The week's themes: label, size, trend, sentiment mix, quotes and exactly its messages."""
    try:
        chosen = IsoWeek.parse(week) if week else None
    except ValueError as exc:
        fail(f"--week: {exc}")
    loaded = settings()
    try:
        found, ids = asyncio.run(_read(loaded, chosen))
    except ThemeRefused as exc:
        fail(f"--week: {exc}")
    if as_json:
        for line in found.themes:
            typer.echo(json_line(_json(found, line, ids[line.id])))
        return
    so_far = " (so far)" if found.in_progress else ""
    shown = table("id", "trend", "size", "label", "sentiment", "status")
    for line in found.themes:
        mix = ", ".join(f"{n} {s}" for s, n in sorted(line.sentiment.items()))
        status = line.status if line.status == "open" else f"{line.status}: {line.topic}"
        add_row(shown, line.id, line.trend, line.size, line.label, mix, status)
    console().print(f"Themes of {found.week}{so_far}: {len(found.themes)}")
    console().print(shown)


async def _read(loaded: Settings, week: IsoWeek | None) -> tuple[WeekThemes, dict[int, list[int]]]:
    async with open_store(loaded) as store:
        themes = Themes(store, ThemeBuilder(store, ZoneInfo(loaded.timezone)), topics=(), teams=())
        found = await themes.week(None, week)
        ids = {
            t.id: await store.themes.message_ids(theme_id=t.id, week=t.week) for t in found.themes
        }
        return found, ids


def _json(found: WeekThemes, line: ThemeLine, message_ids: list[int]) -> dict[str, Any]:
    return {
        "id": line.id,
        "week": line.week,
        "so_far": found.in_progress,
        "label": line.label,
        "size": line.size,
        "trend": line.trend,
        "sentiment": line.sentiment,
        "quotes": found.quotes.get(line.id, []),
        "message_ids": message_ids,
        "link": f"/inbox/themes/{line.id}?week={line.week}",
        "status": line.status,
        "topic": line.topic or None,
        "first_week": line.first_week,
    }
