"""A week's themes from stored embeddings, on SQLite and PostgreSQL: grouped, labelled from
their words, sized exactly, with quotes and sentiment; computed again they keep their ids; the
next week continues them (rising, falling), a theme seen before is found by similarity."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from handlers.digest.week import IsoWeek
from handlers.themes.compute import ThemeBuilder
from models.store import Store
from models.store.migrate import upgrade_async
from tests.support.theme_data import around, directions, seed

UTC = ZoneInfo("UTC")
WEEK = IsoWeek.parse("2026-W45")
TOPUP = [
    f"printer credit top up page fails on my phone {x}"
    for x in ("again", "today", "every time", "since monday", "with an error", "at checkout")
] + [f"cannot top up printer credit, mail me at s{n}@uni.ac.uk" for n in range(6)]
NOISE = [f"{w} message" for w in ("lovely", "cold", "late", "ok", "random", "thanks", "why", "so")]
CAFE = [f"cafe oat milk has run out {x}" for x in ("again", "today", "this week", "by ten")] * 3


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[Store]:
    await upgrade_async(db_url)
    async with Store.open(db_url, pseudonym_key=b"themes-test") as s:
        yield s


def _at(week: IsoWeek, hours: int) -> datetime:
    return week.start(UTC) + timedelta(hours=hours)


def _cycle(texts: list[str], n: int) -> list[str]:
    return [texts[i % len(texts)] for i in range(n)]


async def _week(
    store: Store, week: IsoWeek, sizes: dict[str, int], tag: str
) -> dict[str, list[int]]:
    """Messages on two problems and some noise in a week (vectors about fixed directions)."""
    top, cafe, _ = directions(3, 64, seed_=1)
    noise = directions(len(NOISE), 64, seed_=sum(map(ord, tag)) + 10)
    n, m = sizes["topup"], sizes["cafe"]
    return {
        "topup": await seed(
            store, _cycle(TOPUP, n), around(top, n, 0.1, 2), at=_at(week, 10), tag=f"{tag}t"
        ),
        "cafe": await seed(
            store,
            _cycle(CAFE, m),
            around(cafe, m, 0.1, 3),
            at=_at(week, 30),
            tag=f"{tag}c",
            sentiment="neutral",
        ),
        "noise": await seed(store, NOISE, noise, at=_at(week, 40), tag=f"{tag}n"),
    }


async def test_a_week_is_grouped_labelled_and_kept(store: Store) -> None:
    ids = await _week(store, WEEK, {"topup": 12, "cafe": 12}, "a")
    builder = ThemeBuilder(store, UTC)
    run = await builder.compute(WEEK, WEEK.end(UTC) + timedelta(hours=1))
    assert run.complete and run.messages == 12 + 12 + len(NOISE)
    themes = await store.themes.of_week(week=str(WEEK))
    assert [t.size for t in themes] == [12, 12]
    by_label = {t.label: t for t in themes}
    topup = next(t for t in themes if "printer" in t.label)
    cafe = next(t for t in themes if "cafe" in t.label or "oat" in t.label)
    assert "uni" not in topup.label and "@" not in topup.label  # scrubbed before labelling
    assert await store.themes.message_ids(theme_id=topup.id) == sorted(ids["topup"])
    assert await store.themes.message_ids(theme_id=cafe.id) == sorted(ids["cafe"])
    assert topup.trend == cafe.trend == "new"
    assert topup.sentiment == {"negative": 12} and cafe.sentiment == {"neutral": 12}
    assert len(topup.quotes) == 3 and set(topup.quotes) <= set(ids["topup"])
    assert len(by_label) == 2

    again = await builder.compute(WEEK, WEEK.end(UTC) + timedelta(hours=2))
    assert again.computed_at > run.computed_at
    assert {t.id for t in await store.themes.of_week(week=str(WEEK))} == {topup.id, cafe.id}


async def test_the_next_week_continues_themes_and_says_how_they_move(store: Store) -> None:
    builder = ThemeBuilder(store, UTC)
    await _week(store, WEEK, {"topup": 6, "cafe": 12}, "b")
    await builder.compute(WEEK, WEEK.end(UTC))
    first = {t.label: t.id for t in await store.themes.of_week(week=str(WEEK))}
    later = WEEK.shifted(1)
    await _week(store, later, {"topup": 18, "cafe": 5}, "c")
    await builder.compute(later, later.end(UTC))
    second = await store.themes.of_week(week=str(later))
    assert {t.id for t in second} == set(first.values())  # the same themes, by centroid
    trends = {t.size: t.trend for t in second}
    assert trends == {18: "rising", 5: "falling"}
    assert [w for w, _ in await store.themes.weeks_of(theme_id=second[0].id)] == [
        str(WEEK),
        str(later),
    ]


async def test_similar_finds_a_theme_by_its_centroid(store: Store) -> None:
    await _week(store, WEEK, {"topup": 12, "cafe": 12}, "d")
    await ThemeBuilder(store, UTC).compute(WEEK, WEEK.end(UTC))
    top, cafe, unrelated = directions(3, 64, seed_=1)
    [near] = await store.themes.similar(vector=top, since=WEEK.start(UTC), floor=0.6)
    assert "printer" in near.label and near.size == 12 and near.similarity > 0.9
    assert near.sentiment == {"negative": 12}
    assert await store.themes.similar(vector=unrelated, since=WEEK.start(UTC), floor=0.6) == []
    assert await store.themes.similar(vector=cafe, since=WEEK.end(UTC) + timedelta(days=8)) == []


async def test_a_week_with_nothing_written_has_no_themes(store: Store) -> None:
    run = await ThemeBuilder(store, UTC).compute(WEEK, WEEK.end(UTC))
    assert run.messages == 0 and await store.themes.of_week(week=str(WEEK)) == []
    assert np.isfinite(run.until.timestamp())


async def test_the_job_computes_the_ended_week_once_and_the_week_in_progress_when_stale(
    store: Store,
) -> None:
    from handlers.themes.job import ThemesJob

    later = WEEK.shifted(1)
    await _week(store, WEEK, {"topup": 12, "cafe": 12}, "e")
    await _week(store, later, {"topup": 6, "cafe": 0}, "f")
    job = ThemesJob(ThemeBuilder(store, UTC))
    monday = later.start(UTC) + timedelta(hours=12)  # noon on the week after's Monday
    await job.run(monday)
    ended, going = [await store.themes.run_of(week=str(w)) for w in (WEEK, later)]
    assert ended is not None and ended.complete and ended.messages == 32
    assert going is not None and not going.complete and going.messages == 6  # by Monday noon
    await job.run(monday + timedelta(minutes=10))  # fresh: nothing computed again
    assert await store.themes.run_of(week=str(later)) == going
    await job.run(later.start(UTC) + timedelta(days=3))  # stale: the week so far again
    again = await store.themes.run_of(week=str(later))
    assert again is not None and again.messages == 6 + len(NOISE)
    assert await store.themes.run_of(week=str(WEEK)) == ended  # an ended week stays as it was
    [line] = await store.themes.of_week(week=str(later))
    assert line.size == 6 and line.trend == "steady"  # 6 by Thursday against 12 a week


async def test_the_digest_section_lists_each_theme_with_exactly_its_messages(store: Store) -> None:
    from handlers.themes.digest_section import themes_section

    ids = await _week(store, WEEK, {"topup": 12, "cafe": 6}, "g")
    section = await themes_section(store, WEEK, UTC, None)
    by_size = sorted(section.themes, key=lambda t: -t.size)
    assert [t.size for t in by_size] == [12, 6]
    assert by_size[0].message_ids == sorted(ids["topup"])
    assert by_size[1].message_ids == sorted(ids["cafe"])
    assert by_size[0].link == f"/inbox/themes/{by_size[0].id}?week={WEEK}"
    assert all("@" not in q for t in section.themes for q in t.quotes)  # scrubbed
    assert section.focus_areas.span == "the last 12 weeks"
