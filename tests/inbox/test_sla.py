"""Due times counted in opening hours, in the library's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from config.triage import TriageConfig
from handlers.inbox.sla import due_at

LONDON = ZoneInfo("Europe/London")
HOURS = TriageConfig().day_hours()  # weekdays 08:30-20:00, Saturday 10-17, closed Sunday


def test_hours_inside_one_opening_day() -> None:
    start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # Tuesday, 09:00 in London (GMT)
    assert due_at(start, 2, HOURS, LONDON) == datetime(2026, 12, 1, 11, 0, tzinfo=UTC)


def test_a_message_at_night_is_counted_from_opening() -> None:
    start = datetime(2026, 12, 1, 23, 0, tzinfo=UTC)
    assert due_at(start, 2, HOURS, LONDON) == datetime(2026, 12, 2, 10, 30, tzinfo=UTC)


def test_hours_carry_over_the_closed_sunday() -> None:
    start = datetime(2026, 12, 5, 16, 0, tzinfo=UTC)  # Saturday 16:00, one hour left today
    assert due_at(start, 3, HOURS, LONDON) == datetime(2026, 12, 7, 10, 30, tzinfo=UTC)


def test_the_time_zone_counts_in_summer() -> None:
    start = datetime(2026, 7, 1, 7, 0, tzinfo=UTC)  # 08:00 BST, opens 08:30 BST = 07:30 UTC
    assert due_at(start, 1, HOURS, LONDON) == datetime(2026, 7, 1, 8, 30, tzinfo=UTC)


def test_no_opening_hours_means_wall_clock_hours() -> None:
    start = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    assert due_at(start, 5, {}, LONDON) == datetime(2026, 12, 6, 17, 0, tzinfo=UTC)


def test_bad_opening_hours_are_refused_naming_the_day() -> None:
    with pytest.raises(ValidationError, match="tue"):
        TriageConfig(opening_hours={"tue": "9-5"})
    assert TriageConfig(opening_hours={"mon": "9:00-17:00"}).day_hours() == {
        0: (time(9, 0), time(17, 0))
    }
