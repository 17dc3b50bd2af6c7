"""Quiet hours for alerts, pure: a daily span, or whenever the library is closed."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from handlers.alerts.quiet import Quiet

LONDON = ZoneInfo("Europe/London")
WEEKDAYS = {d: (time(8, 30), time(20, 0)) for d in range(5)} | {5: (time(10), time(17))}


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """December 2026 in London (the 1st is a Tuesday)."""
    return datetime(2026, 12, day, hour, minute, tzinfo=LONDON)


def test_a_daily_span_holds_alerts_until_it_ends() -> None:
    quiet = Quiet.parse("21:00-08:00", LONDON, WEEKDAYS)
    assert quiet.send_after(at(1, 12)) == at(1, 12)
    assert quiet.send_after(at(1, 22)) == at(2, 8)
    assert quiet.send_after(at(2, 3)) == at(2, 8)


def test_opening_hours_hold_alerts_until_the_library_opens() -> None:
    quiet = Quiet.parse("opening", LONDON, WEEKDAYS)
    assert quiet.send_after(at(1, 9)) == at(1, 9)
    assert quiet.send_after(at(1, 7)) == at(1, 8, 30)
    assert quiet.send_after(at(1, 21)) == at(2, 8, 30)
    assert quiet.send_after(at(5, 18)) == at(7, 8, 30)  # Saturday evening → Monday


@pytest.mark.parametrize("text", ["", "opening"])
def test_no_quiet_hours_send_at_once(text: str) -> None:
    quiet = Quiet.parse(text, LONDON, {})  # 'opening' with no opening hours: never closed
    night = at(1, 3).astimezone(UTC)
    assert quiet.send_after(night) == night
