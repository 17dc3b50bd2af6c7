"""The digest's themes and focus areas: its own figures and rendering, one call from the
digest's build (``themes_section``) and one include in its page (``_themes.html``)."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.events import utcnow
from config.calendar import AcademicCalendar
from handlers.digest.week import IsoWeek
from handlers.themes.compute import ThemeBuilder
from handlers.themes.focus import focus_areas
from handlers.themes.lines import DigestTheme, FocusAreas
from handlers.themes.usecases import Themes
from models.store import Store

SHOWN = 8


@dataclass(frozen=True)
class ThemesSection:
    """What the digest adds: the week's themes and this term's focus areas."""

    themes: list[DigestTheme]
    focus_areas: FocusAreas


async def themes_section(
    store: Store, week: IsoWeek, zone: ZoneInfo, calendar: AcademicCalendar | None
) -> ThemesSection:
    """The week's themes (computed when missing or stale) and the focus areas up to the
    week's end (or now, for the week in progress)."""
    themes = Themes(store, ThemeBuilder(store, zone), topics=(), teams=())
    shown = await themes.week(None, week)
    out = []
    for line in shown.themes[:SHOWN]:
        ids = await store.themes.message_ids(theme_id=line.id, week=line.week)
        out.append(
            DigestTheme(
                id=line.id,
                label=line.label,
                size=line.size,
                trend=line.trend,
                sentiment=line.sentiment,
                quotes=shown.quotes.get(line.id, []),
                message_ids=ids,
                link=f"/inbox/themes/{line.id}?week={line.week}",
            )
        )
    until = min(week.end(zone), utcnow())
    return ThemesSection(out, await focus_areas(store, until, zone, calendar))
