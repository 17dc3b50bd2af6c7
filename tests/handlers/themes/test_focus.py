"""Focus areas: a topic and a theme with more negative messages than the average share are
listed with their counts, share, average and lift, the term from the academic calendar (or
the last twelve weeks); a topic at the average, or too small to say, is not."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from config.calendar import AcademicCalendar, Term
from handlers.digest.week import IsoWeek
from handlers.themes.compute import ThemeBuilder
from handlers.themes.focus import focus_areas, span_of
from models.store import Store
from models.store.migrate import upgrade_async
from tests.support.theme_data import around, directions, seed

UTC = ZoneInfo("UTC")
WEEK = IsoWeek.parse("2026-W45")


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[Store]:
    await upgrade_async(db_url)
    async with Store.open(db_url, pseudonym_key=b"focus-test") as s:
        yield s


async def test_topics_and_themes_with_more_negative_messages_stand_out(store: Store) -> None:
    at = WEEK.start(UTC) + timedelta(days=1)
    top, other, *_ = directions(4, 32, seed_=5)
    lone = directions(30, 32, seed_=6)
    for mood, n in (("negative", 9), ("neutral", 1)):  # printing: 9 of 10 negative
        await seed(
            store,
            [f"printer credit fails {k}" for k in range(n)],
            around(top, n, 0.05, n),
            at=at,
            tag=f"p{mood}",
            sentiment=mood,
            topic="printing_and_scanning",
        )
    for mood, n in (("negative", 3), ("positive", 27)):  # opening hours: 3 of 30
        await seed(
            store,
            [f"opening hours {k}" for k in range(n)],
            lone[:n],
            at=at,
            tag=f"o{mood}",
            sentiment=mood,
            topic="opening_hours",
        )
    await seed(store, ["cafe", "tea"], around(other, 2, 0.05, 9), at=at, tag="c", topic="cafe")
    await ThemeBuilder(store, UTC).compute(WEEK, WEEK.end(UTC))
    term = Term(name="Autumn 2026", start=date(2026, 9, 21), end=date(2026, 12, 11))
    calendar = AcademicCalendar(terms=(term,))
    found = await focus_areas(store, WEEK.end(UTC), UTC, calendar)
    assert found.span == "Autumn 2026" and found.since.startswith("2026-09-21")
    lines = {(f.kind, f.measure): f for f in found.lines}
    topic = lines[("topic", "negative")]
    # 14 of 42 negative on average (1/3); printing 9 of 10: share 0.9, lift 2.7, 5.7 more
    assert (topic.name, topic.count, topic.total) == ("printing_and_scanning", 9, 10)
    assert (topic.share, topic.average, topic.lift, topic.excess) == (0.9, 0.333, 2.7, 5.7)
    assert "sentiment=negative" in topic.link and "topic=printing_and_scanning" in topic.link
    assert [f.name for f in found.lines if f.kind == "topic"] == ["printing_and_scanning"]
    assert ("theme", "negative") not in lines  # the one theme is all there is: no lift
    assert "lift" in found.explained.lower()


def test_without_a_term_the_span_is_the_last_twelve_weeks() -> None:
    now = WEEK.end(UTC)
    name, since, until = span_of(now, UTC, AcademicCalendar())
    assert name == "the last 12 weeks" and until - since == timedelta(weeks=12)
