"""ISO weeks in the library's time zone: Monday 00:00 to the next Monday 00:00, local time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_WEEK = re.compile(r"([0-9]{4})-W([0-9]{2})")  # ASCII digits: \d would take '٢٠٢٦'
YEARS = range(1970, 9999)
"""Years a week may be in: every week of them, and a year either side, is a datetime in every
time zone (year 1 or 9999 would overflow when shifted or converted to UTC)."""


@dataclass(frozen=True, order=True)
class IsoWeek:
    """An ISO week such as 2026-W48."""

    year: int
    week: int

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        """'2026-W48' → IsoWeek; ValueError names the problem."""
        match = _WEEK.fullmatch(text.strip())
        if match is None:
            raise ValueError(f"week {text!r} is not in the form YYYY-Www, e.g. 2026-W48")
        year, week = int(match[1]), int(match[2])
        if year not in YEARS:
            raise ValueError(f"{text} is not a week from {YEARS[0]} to {YEARS[-1]}")
        try:
            date.fromisocalendar(year, week, 1)
        except ValueError:
            raise ValueError(f"{text} is not a week of {year}") from None
        return cls(year, week)

    @classmethod
    def of(cls, day: date) -> IsoWeek:
        """The week a calendar day falls in."""
        year, week, _ = day.isocalendar()
        return cls(year, week)

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def monday(self) -> date:
        """The week's first day."""
        return date.fromisocalendar(self.year, self.week, 1)

    def shifted(self, weeks: int) -> IsoWeek:
        """The week ``weeks`` later (negative: earlier)."""
        return IsoWeek.of(self.monday + timedelta(weeks=weeks))

    def start(self, zone: ZoneInfo) -> datetime:
        """Monday 00:00 local, in UTC."""
        return datetime.combine(self.monday, time(0), tzinfo=zone).astimezone(UTC)

    def end(self, zone: ZoneInfo) -> datetime:
        """The next Monday 00:00 local, in UTC (exclusive)."""
        return self.shifted(1).start(zone)


def week_starts(week: IsoWeek, zone: ZoneInfo, *, back: int) -> list[datetime]:
    """UTC starts of ``week`` and the ``back`` weeks before it, newest first."""
    return [week.shifted(-ago).start(zone) for ago in range(back + 1)]


def local_week(now: datetime, zone: ZoneInfo) -> IsoWeek:
    """The week ``now`` falls in, in the library's time zone."""
    return IsoWeek.of(now.astimezone(zone).date())


def last_complete_week(now: datetime, zone: ZoneInfo) -> IsoWeek:
    """The most recent week that has ended."""
    return local_week(now, zone).shifted(-1)


def has_ended(week: IsoWeek, now: datetime, zone: ZoneInfo) -> bool:
    """Whether the week is over by ``now`` (its Sunday has passed in the library's zone)."""
    return week.end(zone) <= now


def due_at(week: IsoWeek, zone: ZoneInfo, at: time) -> datetime:
    """When the digest of ``week`` is due: the following Monday at ``at`` local, in UTC."""
    return datetime.combine(week.shifted(1).monday, at, tzinfo=zone).astimezone(UTC)


def latest_due(now: datetime, zone: ZoneInfo, at: time) -> IsoWeek:
    """The newest week whose digest is due by ``now`` (a missed Monday is still this week's)."""
    week = last_complete_week(now, zone)
    return week if due_at(week, zone, at) <= now else week.shifted(-1)
