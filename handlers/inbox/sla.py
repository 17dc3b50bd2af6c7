"""Due times, pure: a number of hours counted only while the library is open (never on a
closure day of the academic calendar)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MAX_DAYS = 400
Closed = Callable[[date], bool]
"""Whether the library is closed all day (``AcademicCalendar.is_closed``)."""


def never_closed(_: date) -> bool:
    """No closure days."""
    return False


def due_at(
    start: datetime,
    hours: float,
    opening: dict[int, tuple[time, time]],
    zone: ZoneInfo,
    closed: Closed = never_closed,
) -> datetime:
    """``hours`` of opening time after ``start`` (UTC in, UTC out), skipping closure days;
    without opening hours, wall-clock hours (still skipping closure days)."""
    if not opening and closed is never_closed:
        return start + timedelta(hours=hours)
    left = timedelta(hours=hours)
    day = start.astimezone(zone).date()
    for _ in range(MAX_DAYS):
        window = _window(day, opening, zone, closed)
        if window is not None:
            begin, end = max(window[0], start), window[1]
            if begin < end:
                if end - begin >= left:
                    return (begin + left).astimezone(UTC)
                left -= end - begin
        day += timedelta(days=1)
    return start + timedelta(hours=hours)


def is_open(
    at: datetime,
    opening: dict[int, tuple[time, time]],
    zone: ZoneInfo,
    closed: Closed = never_closed,
) -> bool:
    """Whether the library is open at ``at`` (always, when it has no opening hours and it is
    no closure day)."""
    if not opening and closed is never_closed:
        return True
    window = _window(at.astimezone(zone).date(), opening, zone, closed)
    return window is not None and window[0] <= at < window[1]


def next_opening(
    at: datetime,
    opening: dict[int, tuple[time, time]],
    zone: ZoneInfo,
    closed: Closed = never_closed,
) -> datetime | None:
    """When the library next opens after ``at`` (UTC), closure days skipped; None if it has no
    opening hours (or does not open within a long closure's reach)."""
    if not opening:
        return None
    day = at.astimezone(zone).date()
    for _ in range(8 if closed is never_closed else 60):
        window = _window(day, opening, zone, closed)
        if window is not None and window[0] > at:
            return window[0].astimezone(UTC)
        day += timedelta(days=1)
    return None


def _window(
    day: date, opening: dict[int, tuple[time, time]], zone: ZoneInfo, closed: Closed
) -> tuple[datetime, datetime] | None:
    """That day's opening hours as aware times (the whole day without opening hours), or None
    when closed."""
    if closed(day):
        return None
    if not opening:
        return datetime.combine(day, time(0), tzinfo=zone), datetime.combine(
            day + timedelta(days=1), time(0), tzinfo=zone
        )
    span = opening.get(day.weekday())
    if span is None:
        return None
    return (
        datetime.combine(day, span[0], tzinfo=zone),
        datetime.combine(day, span[1], tzinfo=zone),
    )
