"""When a poll due in a quiet period of the academic calendar (exams, by default) may go out:
pure, from the calendar and the library's zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from config.calendar import AcademicCalendar

MAX_CHAINED = 50
"""Quiet periods that follow one another day after day are waited out together (this many)."""


@dataclass(frozen=True, slots=True)
class Hold:
    """A poll due at a quiet time waits: ``period`` names it, ``until`` (UTC) is the start of
    the library's first day after it (and after any quiet period that follows at once)."""

    period: str
    last_day: date
    until: datetime


def hold(calendar: AcademicCalendar, at: datetime, zone: ZoneInfo) -> Hold | None:
    """The wait for a poll due at ``at``; None when ``at`` falls in no quiet period."""
    first = calendar.quiet_period(at.astimezone(zone).date())
    if first is None:
        return None
    last = first.end
    for _ in range(MAX_CHAINED):
        following = calendar.quiet_period(last + timedelta(days=1))
        if following is None:
            break
        last = max(last, following.end)
    opens = datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone)
    return Hold(first.name, last, opens.astimezone(UTC))
