"""The academic calendar in the library's YAML: terms, quiet periods, closures, bad input."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from config.calendar import AcademicCalendar
from config.library import load_library_config
from config.settings import SettingsError

YEAR = {
    "terms": [
        {"name": "Autumn 2025", "start": "2025-09-22", "end": "2025-12-12"},
        {"name": "Spring 2026", "start": "2026-01-12", "end": "2026-03-27"},
        {"name": "Autumn 2026", "start": "2026-09-21", "end": "2026-12-11"},
    ],
    "periods": [
        {"name": "Winter exams", "kind": "exams", "start": "2027-01-11", "end": "2027-01-22"},
        {
            "name": "Reading week",
            "kind": "reading_week",
            "start": "2026-11-02",
            "end": "2026-11-06",
        },
        {"name": "Open day", "start": "2026-10-10", "end": "2026-10-10", "quiet": True},
        {"name": "Winter closure", "kind": "closure", "start": "2026-12-24", "end": "2027-01-01"},
    ],
    "closures": ["2026-08-31"],
}


def test_terms_and_their_neighbours() -> None:
    cal = AcademicCalendar.model_validate(YEAR)
    autumn = cal.term_of(date(2026, 12, 7))
    assert autumn is not None and autumn.name == "Autumn 2026"
    assert cal.term_of(date(2026, 7, 1)) is None
    assert (prev := cal.previous_term(autumn)) is not None and prev.name == "Spring 2026"
    assert (last := cal.same_term_last_year(autumn)) is not None and last.name == "Autumn 2025"


def test_exams_are_quiet_by_default_and_other_periods_only_when_marked() -> None:
    cal = AcademicCalendar.model_validate(YEAR)
    exams = cal.quiet_period(date(2027, 1, 15))
    assert exams is not None and exams.name == "Winter exams"
    assert cal.quiet_period(date(2026, 11, 3)) is None  # reading week: polls go out
    assert cal.quiet_period(date(2026, 10, 10)) is not None  # marked quiet


def test_closure_days_and_periods() -> None:
    cal = AcademicCalendar.model_validate(YEAR)
    assert cal.is_closed(date(2026, 8, 31)) and cal.is_closed(date(2026, 12, 28))
    assert not cal.is_closed(date(2026, 12, 7))


def test_an_empty_calendar_changes_nothing() -> None:
    cal = AcademicCalendar()
    assert cal.term_of(date(2026, 12, 7)) is None and cal.quiet_period(date(2027, 1, 15)) is None
    assert not cal.is_closed(date(2026, 12, 25))


@pytest.mark.parametrize(
    ("calendar", "named"),
    [
        ({"terms": [{"name": "A", "start": "2026-09-21", "end": "2026-09-01"}]}, "before start"),
        (
            {
                "terms": [
                    {"name": "A", "start": "2026-09-01", "end": "2026-12-01"},
                    {"name": "B", "start": "2026-11-01", "end": "2027-01-01"},
                ]
            },
            "overlap",
        ),
        (
            {
                "periods": [
                    {"name": "X", "kind": "party", "start": "2026-01-01", "end": "2026-01-02"}
                ]
            },
            "calendar.periods.0.kind",
        ),
        ({"closures": ["31/12/2026"]}, "calendar.closures.0"),
    ],
)
def test_a_bad_calendar_names_the_key(tmp_path: Path, calendar: object, named: str) -> None:
    import yaml

    path = tmp_path / "feedbot.yaml"
    path.write_text(yaml.safe_dump({"calendar": calendar}), encoding="utf-8")
    with pytest.raises(SettingsError, match=named):
        load_library_config(path)
