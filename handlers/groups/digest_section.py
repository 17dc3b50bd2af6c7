"""The digest's ``coverage`` section: coverage as of the digest week's end, in the JSON form
``coverage --json`` uses (small counts masked). The digest calls it through one hook."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from config.calendar import AcademicCalendar
from config.groups import CustomerGroups
from handlers.groups.coverage_json import coverage_json
from handlers.groups.report import coverage_report
from models.store import Store


@dataclass(frozen=True)
class CoverageSection:
    """Builds the section from the store for a digest week ending at ``until``."""

    groups: CustomerGroups
    calendar: AcademicCalendar

    async def __call__(self, store: Store, until: datetime) -> dict[str, Any]:
        """Coverage of the term (or 12 weeks) up to ``until``, as JSON."""
        found = await coverage_report(store, self.groups, self.calendar, until, topics=False)
        return coverage_json(found)
