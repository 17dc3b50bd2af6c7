"""Coverage against a configured population: a group that wrote nothing is under-heard in the
report, the digest's JSON and ``coverage --json``; counts below five are masked."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import date
from zoneinfo import ZoneInfo

import pytest

from config.calendar import AcademicCalendar, Term
from handlers.digest.build import DigestConfig, build_digest
from handlers.digest.render import as_json, html
from handlers.digest.week import IsoWeek
from handlers.groups.coverage import masked
from handlers.groups.coverage_json import group_json
from handlers.groups.digest_section import CoverageSection
from handlers.groups.report import coverage_report
from handlers.groups.spans import spans
from models.store import Store
from models.store.migrate import upgrade_async
from tests.support import groups_world as world


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[Store]:
    await upgrade_async(db_url)
    async with Store.open(db_url, pseudonym_key=b"k" * 32) as s:
        await world.fill(s)
        yield s


def test_small_counts_are_masked_zero_and_five_are_not() -> None:
    assert [masked(n, 5).shown for n in (0, 1, 4, 5)] == ["0", *["fewer than 5"] * 2, "5"]
    assert masked(3, 5).people is None and masked(0, 5).people == 0


def test_the_span_is_the_term_or_else_the_last_twelve_weeks() -> None:
    terms = [
        Term(name="Spring 2026", start=date(2026, 1, 26), end=date(2026, 4, 10)),
        Term(name="Autumn 2026", start=date(2026, 9, 21), end=date(2026, 12, 11)),
    ]
    this, before = spans(AcademicCalendar(terms=terms), world.NOW)
    assert (this.name, this.until, before and before.name) == (
        "Autumn 2026",
        world.NOW,
        "Spring 2026",
    )
    fallback, earlier = spans(AcademicCalendar(), world.NOW)
    assert fallback.name == "the last 12 weeks" and earlier is not None
    assert (fallback.until - fallback.since).days == 84 == (earlier.until - earlier.since).days


async def test_a_group_that_wrote_nothing_is_under_heard_and_small_counts_masked(
    store: Store,
) -> None:
    found = await coverage_report(store, world.groups(), AcademicCalendar(), world.NOW)
    lines = {g["group"]: g for g in (group_json(g, found) for g in found.groups)}
    assert found.under_heard == ["postgraduate_research", "public"]
    public = lines["public"]
    assert (public["people"], public["share"], public["under_heard"]) == (0, 0.0, True)
    assert public["population_share"] == round(5_000 / 16_500, 4)
    ug = lines["undergraduate"]
    assert (ug["people"], ug["share"], ug["under_heard"]) == (8, 0.8, False)
    assert sorted(p["name"] for p in ug["channels"]) == ["telegram", "widget"]
    academics = lines["academic_staff"]  # 2 people: masked, and their share with them
    assert academics["people"] is None and academics["people_shown"] == "fewer than 5"
    assert academics["share"] is None and academics["masked"] is True
    assert found.unknown.shown == "fewer than 5" and found.people.shown == "13"
    assert lines["alumni"]["population_share"] is None and not lines["alumni"]["under_heard"]


async def test_the_digest_json_carries_coverage_with_the_flag_and_masks(store: Store) -> None:
    section = CoverageSection(world.groups(), AcademicCalendar())
    config = DigestConfig(zone=ZoneInfo("Europe/London"), sections=(section,))
    digest = await build_digest(store, IsoWeek.of(world.NOW.date()), config)
    data = json.loads(as_json(digest))["coverage"]
    assert data["under_heard"] == ["postgraduate_research", "public"]
    shown = {g["group"]: g["people_shown"] for g in data["groups"]}
    assert shown["academic_staff"] == "fewer than 5" and shown["public"] == "0"
    assert '"under_heard": [' in as_json(digest)
    page = html(digest, [], {}, library="Test Library", base="")
    assert "Under-heard:</strong> postgraduate research, public" in page
    assert "fewer than 5" in page
