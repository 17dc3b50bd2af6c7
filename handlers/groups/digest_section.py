"""The digest's ``coverage`` section: coverage as of the digest's end, in the JSON form
``coverage --json`` uses (small counts masked), plugged in as a digest part."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from config.calendar import AcademicCalendar
from config.groups import CustomerGroups
from handlers.digest.parts import Context, Part, Sources
from handlers.digest.render import environment
from handlers.groups.coverage_json import coverage_json
from handlers.groups.report import coverage_report
from models.store import Store


@dataclass(frozen=True)
class CoverageSection:
    """Who we hear from by customer group, for the term (or 12 weeks) up to the digest's end."""

    groups: CustomerGroups
    calendar: AcademicCalendar
    name = "coverage"

    async def build(self, store: Store, context: Context) -> Part | None:
        """The section (never left out: a group nobody heard from is the news)."""
        found = await coverage_report(store, self.groups, self.calendar, context.end, topics=False)
        data = coverage_json(found)

        def html(base: str, charts: Sources) -> str:
            return environment().get_template("parts/coverage.html").render(c=data)

        def text(base: str) -> list[str]:
            return _lines(data)

        return Part(self.name, "Who we hear from, and who we don't", data, html, text)


def _lines(data: dict[str, Any]) -> list[str]:
    """The section as plain lines for the e-mail's text part."""
    lines = [f"{data['span']}: {data['people_shown']} people wrote."]
    under = [g["label"] for g in data["groups"] if g["under_heard"]]
    if under:
        lines.append("Under-heard: " + ", ".join(under) + ".")
    for g in data["groups"]:
        share = "-" if g["share"] is None else f"{g['share'] * 100:.0f}%"
        expected = "-" if g["population_share"] is None else f"{g['population_share'] * 100:.0f}%"
        lines.append(f"{g['label']}: {g['people_shown']} people, {share} (population {expected})")
    return lines
