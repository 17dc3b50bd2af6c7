"""Times as staff read them: the library's zone, named, in winter and in summer."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.local_time import LocalTime, staff_time

LONDON = ZoneInfo("Europe/London")
WINTER = datetime(2026, 12, 7, 9, 14, 5, tzinfo=UTC)
SUMMER = datetime(2026, 7, 6, 23, 30, tzinfo=UTC)  # 00:30 the next day in London


def test_a_winter_instant_is_greenwich_mean_time() -> None:
    assert staff_time(WINTER, LONDON) == "Mon 7 Dec 2026, 09:14 GMT"


def test_a_summer_instant_is_british_summer_time_and_may_fall_on_the_next_day() -> None:
    assert staff_time(SUMMER, LONDON) == "Tue 7 Jul 2026, 00:30 BST"


def test_seconds_for_the_audit_log() -> None:
    assert staff_time(WINTER, LONDON, seconds=True) == "Mon 7 Dec 2026, 09:14:05 GMT"


def test_a_zone_without_a_short_name_shows_its_offset() -> None:
    assert staff_time(WINTER, ZoneInfo("Asia/Dubai")) == "Mon 7 Dec 2026, 13:14 UTC+04"


def test_the_bound_helper_defaults_to_utc_and_says_so() -> None:
    assert LocalTime()(WINTER) == "Mon 7 Dec 2026, 09:14 UTC"
    assert LocalTime(LONDON)(SUMMER) == staff_time(SUMMER, LONDON)
