"""The digest tests' store: a fresh one per test over ``db_url`` (SQLite and PostgreSQL, already
at the newest migration)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from models.store import Store


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[Store]:
    async with Store.open(db_url, pseudonym_key=b"k" * 32) as s:
        yield s
