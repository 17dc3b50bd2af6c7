"""Coverage for staff: leads (and admins) may read it; the role is checked here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from config.calendar import AcademicCalendar
from config.groups import CustomerGroups
from handlers.groups.coverage import Coverage
from handlers.groups.report import coverage_report
from handlers.inbox.roles import Actor, require
from models.store import Store


@dataclass(frozen=True)
class CoverageReader:
    """Reads coverage for a member of staff allowed to see it."""

    store: Store
    groups: CustomerGroups
    calendar: AcademicCalendar
    now: Callable[[], datetime]

    async def read(self, actor: Actor) -> Coverage:
        """This term's coverage (Forbidden below lead)."""
        require(actor, "coverage")
        return await coverage_report(self.store, self.groups, self.calendar, self.now())
