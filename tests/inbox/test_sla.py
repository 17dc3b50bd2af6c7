"""Due times counted in opening hours, in the library's time zone (urgent ones in clock
hours), and whether the library is open."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from config.calendar import AcademicCalendar
from config.triage import TriageConfig
from handlers.inbox.sla import due_at, is_open, next_opening
from handlers.inbox.steps import Clock

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


def test_an_urgent_item_at_night_is_due_in_clock_hours() -> None:
    night = datetime(2026, 12, 6, 0, 11, tzinfo=UTC)  # Sunday 00:11, closed all day
    clock = Clock(TriageConfig(), LONDON)
    assert clock.due("urgent", night) == datetime(2026, 12, 6, 2, 11, tzinfo=UTC)
    assert clock.due("high", night) == datetime(2026, 12, 7, 16, 30, tzinfo=UTC)  # Monday


def test_urgent_in_opening_hours_when_configured() -> None:
    night = datetime(2026, 12, 6, 0, 11, tzinfo=UTC)
    clock = Clock(TriageConfig(urgent_clock_hours=False), LONDON)
    assert clock.due("urgent", night) == datetime(2026, 12, 7, 10, 30, tzinfo=UTC)


def test_open_now_and_the_next_opening() -> None:
    tuesday_noon = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    assert is_open(tuesday_noon, HOURS, LONDON)
    assert not is_open(datetime(2026, 12, 1, 20, 0, tzinfo=UTC), HOURS, LONDON)  # closes 20:00
    saturday_night = datetime(2026, 12, 5, 22, 0, tzinfo=UTC)
    assert next_opening(saturday_night, HOURS, LONDON) == datetime(2026, 12, 7, 8, 30, tzinfo=UTC)
    assert next_opening(saturday_night, {}, LONDON) is None


def test_a_due_time_skips_a_closure_day() -> None:
    """A bank holiday in the calendar counts no hours: what is left after Friday and Saturday
    carries past the closed Sunday and the closure Monday to Tuesday; urgent clock hours run
    on regardless."""
    holiday = AcademicCalendar(closures=(date(2027, 5, 3),))  # a Monday
    friday = datetime(2027, 4, 30, 17, 0, tzinfo=UTC)  # 18:00 BST, two hours to closing
    ten = 2 + 7 + 1  # Friday's two, Saturday's seven (10-17), one more
    assert due_at(friday, ten, HOURS, LONDON) == datetime(2027, 5, 3, 8, 30, tzinfo=UTC)
    assert due_at(friday, ten, HOURS, LONDON, holiday.is_closed) == datetime(
        2027, 5, 4, 8, 30, tzinfo=UTC
    )  # Tuesday 09:30 BST
    clock = Clock(TriageConfig(), LONDON, holiday)
    sla = TriageConfig().sla_hours
    assert clock.due("urgent", friday) == friday + timedelta(hours=sla["urgent"])
    for priority in ("high", "normal", "low"):
        assert clock.due(priority, friday).astimezone(LONDON).date() != date(2027, 5, 3)


def test_closure_days_count_without_opening_hours_too() -> None:
    closed = AcademicCalendar(closures=(date(2026, 12, 25),)).is_closed
    eve = datetime(2026, 12, 24, 12, 0, tzinfo=UTC)
    assert due_at(eve, 24, {}, LONDON, closed) == datetime(2026, 12, 26, 12, 0, tzinfo=UTC)
    assert not is_open(datetime(2026, 12, 25, 12, 0, tzinfo=UTC), {}, LONDON, closed)
    assert next_opening(eve, HOURS, LONDON, closed) == datetime(2026, 12, 26, 10, 0, tzinfo=UTC)
