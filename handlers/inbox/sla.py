"""Due times, pure: a number of hours counted only while the library is open."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MAX_DAYS = 400


def due_at(
    start: datetime, hours: float, opening: dict[int, tuple[time, time]], zone: ZoneInfo
) -> datetime:
    """``hours`` of opening time after ``start`` (UTC in, UTC out); wall-clock hours when the
    library never opens."""
    if not opening:
        return start + timedelta(hours=hours)
    left = timedelta(hours=hours)
    day = start.astimezone(zone).date()
    for _ in range(MAX_DAYS):
        window = _window(day, opening, zone)
        if window is not None:
            begin, end = max(window[0], start), window[1]
            if begin < end:
                if end - begin >= left:
                    return (begin + left).astimezone(UTC)
                left -= end - begin
        day += timedelta(days=1)
    return start + timedelta(hours=hours)


def is_open(at: datetime, opening: dict[int, tuple[time, time]], zone: ZoneInfo) -> bool:
    """Whether the library is open at ``at`` (always, when it has no opening hours)."""
    if not opening:
        return True
    window = _window(at.astimezone(zone).date(), opening, zone)
    return window is not None and window[0] <= at < window[1]


def next_opening(
    at: datetime, opening: dict[int, tuple[time, time]], zone: ZoneInfo
) -> datetime | None:
    """When the library next opens after ``at`` (UTC); None if it never opens."""
    day = at.astimezone(zone).date()
    for _ in range(8):
        window = _window(day, opening, zone)
        if window is not None and window[0] > at:
            return window[0].astimezone(UTC)
        day += timedelta(days=1)
    return None


def _window(
    day: date, opening: dict[int, tuple[time, time]], zone: ZoneInfo
) -> tuple[datetime, datetime] | None:
    """That day's opening hours as aware times, or None when closed."""
    span = opening.get(day.weekday())
    if span is None:
        return None
    return (
        datetime.combine(day, span[0], tzinfo=zone),
        datetime.combine(day, span[1], tzinfo=zone),
    )
