"""The stored themes as the poll page and a send read them: the themes near a question's
embedding (with a link to each), and a ``--theme ID``'s messages (none for a bad id)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from handlers.digest.week import IsoWeek
from handlers.themes.compute import ThemeBuilder
from handlers.themes.lookups import StoredThemes
from models.store import Store
from models.store.migrate import upgrade_async
from tests.support.theme_data import around, directions, seed

UTC = ZoneInfo("UTC")
WEEK = IsoWeek.parse("2026-W45")
TEXTS = [f"printer credit top up page fails on my phone {n}" for n in range(10)]


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[Store]:
    await upgrade_async(db_url)
    async with Store.open(db_url, pseudonym_key=b"themes-lookup-test") as s:
        yield s


async def test_the_poll_page_and_sends_read_the_stored_themes(store: Store) -> None:
    [topup] = directions(1, 64, seed_=7)
    start = WEEK.start(UTC) + timedelta(hours=9)
    ids = await seed(store, TEXTS, around(topup, len(TEXTS), 0.1, 2), at=start, tag="look")
    await ThemeBuilder(store, UTC).compute(WEEK, WEEK.end(UTC) + timedelta(hours=1))
    [theme] = await store.themes.of_week(week=str(WEEK))
    themes = StoredThemes(store)

    [near] = await themes.similar(topup, WEEK.start(UTC))
    assert (near.label, near.size, near.link) == (theme.label, 10, f"/inbox/themes/{theme.id}")
    assert sum(near.sentiments.values()) == 10
    assert await themes.similar(-topup, WEEK.start(UTC)) == []  # the opposite way: nothing

    assert sorted(await themes.messages_of(str(theme.id)) or []) == sorted(ids)
    for unknown in (str(theme.id + 1), "abc", "-1", "9" * 40, ""):
        assert await themes.messages_of(unknown) is None
