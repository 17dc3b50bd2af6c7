"""The filter lists' counts are read again only after their time to live."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.web.facet_cache import FacetCache
from models.store import Store
from models.store.migrate import upgrade_async
from tests.support.queue import queued


@pytest.fixture
async def store(sqlite_url: str) -> AsyncIterator[Store]:
    await upgrade_async(sqlite_url)
    async with Store.open(sqlite_url, pseudonym_key=b"k" * 32) as s:
        yield s


async def test_counts_are_kept_for_their_ttl_then_read_again(store: Store) -> None:
    kept, fresh = FacetCache(("team", "channel")), FacetCache(("team",), ttl=0)
    await queued(store, pid="a", sender="U1")
    first, first_fresh = await kept.get(store), await fresh.get(store)
    await queued(store, pid="b", sender="U2")
    assert first == {"team": {"it_services": 1}, "channel": {"slack": 1}}
    assert await kept.get(store) == first  # within 30 s: the same reading
    assert first_fresh == {"team": {"it_services": 1}}
    assert await fresh.get(store) == {"team": {"it_services": 2}}
