"""The digest's ``themes`` (the week's, new and rising first, each with exactly its messages)
and ``focus_areas`` (this term's topics and themes with more negative messages or low CSAT than
usual): two digest parts, each with its own figures and rendering."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.events import utcnow
from config.calendar import AcademicCalendar
from handlers.digest.parts import Context, Part, Sources
from handlers.digest.render import environment
from handlers.digest.week import IsoWeek
from handlers.text_direction import shown
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


async def digest_themes(store: Store, week: IsoWeek, zone: ZoneInfo) -> list[DigestTheme]:
    """The week's themes (computed when missing or stale), new and rising first."""
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
    return out


async def themes_section(
    store: Store, week: IsoWeek, zone: ZoneInfo, calendar: AcademicCalendar | None
) -> ThemesSection:
    """The week's themes and the focus areas up to the week's end (or now, while it lasts)."""
    until = min(week.end(zone), utcnow())
    found = await digest_themes(store, week, zone)
    return ThemesSection(found, await focus_areas(store, until, zone, calendar))


class ThemesPart:
    """The week's themes, shown before the fixed sections."""

    name = "themes"

    async def build(self, store: Store, context: Context) -> Part | None:
        """Shown for every week that has begun: "no theme this week" is news too."""
        if context.end <= context.start:
            return None  # a week to come: nothing was written in it yet
        found = await digest_themes(store, context.week, context.zone)

        def html(base: str, charts: Sources) -> str:
            template = environment().get_template("parts/themes.html")
            return template.render(themes=found, base=base)

        def text(base: str) -> list[str]:
            return [
                f"{shown(t.label)}: {t.size} messages, {t.trend} ({base}{t.link})" for t in found
            ]

        title = "Themes: new and rising first" if found else "Themes"
        return Part(self.name, title, found, html, text, first=True)


class FocusAreasPart:
    """Where satisfaction is low: this term's topics and themes against the average."""

    name = "focus_areas"

    async def build(self, store: Store, context: Context) -> Part | None:
        """Always shown, with how the measure works."""
        found = await focus_areas(store, context.end, context.zone, context.calendar)

        def html(base: str, charts: Sources) -> str:
            template = environment().get_template("parts/focus_areas.html")
            return template.render(f=found, base=base)

        def text(base: str) -> list[str]:
            lines = [f"{found.span}: {found.explained}"]
            return lines + [
                f"{f.name} ({f.kind}): {f.count} of {f.total}, {f.share:.0%} against"
                f" {f.average:.0%} on average ({base}{f.link})"
                for f in found.lines
            ]

        return Part(self.name, "Focus areas", found, html, text)
