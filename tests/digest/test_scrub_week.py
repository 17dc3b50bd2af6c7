"""The scrubber and ISO weeks in the library's time zone (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from handlers.digest.scrub import scrub
from handlers.digest.week import IsoWeek, latest_due, week_starts

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail me at jo.bloggs+lib@uni.ac.uk please", "mail me at [email] please"),
        ("call 07700 900123 or +44 20 7946 0958", "call [phone] or [phone]"),
        ("my student number is s1234567.", "my student number is [student number]."),
        ("id 20231234 and 123456789", "id [student number] and [student number]"),
        ("thanks @LibraryHelp and @jo_b!", "thanks [handle] and [handle]!"),
        ("room 204 opens at 9, level 2", "room 204 opens at 9, level 2"),
        ("jo@uni.ac.uk (@jo) 01632 960 001", "[email] ([handle]) [phone]"),
    ],
)
def test_scrub_replaces_identifiers_and_keeps_ordinary_numbers(text: str, expected: str) -> None:
    assert scrub(text) == expected


def test_week_parse_and_format() -> None:
    assert str(IsoWeek.parse("2026-W48")) == "2026-W48"
    assert IsoWeek.parse("2026-W01").monday.isoformat() == "2025-12-29"
    with pytest.raises(ValueError, match="YYYY-Www"):
        IsoWeek.parse("2026-48")
    with pytest.raises(ValueError, match="not a week"):
        IsoWeek.parse("2026-W54")


def test_a_week_across_the_october_clock_change_is_169_hours() -> None:
    week = IsoWeek.parse("2026-W43")  # Mon 19 Oct - Sun 25 Oct; clocks go back on the 25th
    assert week.start(LONDON) == datetime(2026, 10, 18, 23, 0, tzinfo=UTC)  # 00:00 BST
    assert week.end(LONDON) == datetime(2026, 10, 26, 0, 0, tzinfo=UTC)  # 00:00 GMT
    assert (week.end(LONDON) - week.start(LONDON)).total_seconds() == 169 * 3600
    starts = week_starts(IsoWeek.parse("2026-W44"), LONDON, back=1)
    assert starts == [datetime(2026, 10, 26, tzinfo=UTC), datetime(2026, 10, 18, 23, tzinfo=UTC)]


def test_the_digest_due_is_last_week_from_monday_eight_local() -> None:
    at = time(8, 0)
    before = datetime(2026, 11, 30, 7, 59, tzinfo=UTC)  # Mon 30 Nov, GMT
    after = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    assert str(latest_due(before, LONDON, at)) == "2026-W47"
    assert str(latest_due(after, LONDON, at)) == "2026-W48"
    assert str(latest_due(datetime(2026, 12, 2, tzinfo=UTC), LONDON, at)) == "2026-W48"
