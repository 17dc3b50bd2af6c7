"""Counts per filter value (team, channel, topic, sentiment, priority) for the queue's filter
lists, read at most every ``ttl`` seconds: each is a scan of the open items, too slow to repeat
on every page view of a big queue. The standing views' counts stay exact on every view."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from models.store import Store

Facets = dict[str, dict[str, int]]


@dataclass
class FacetCache:
    """The last facet counts and when they were read (per process; derived data only)."""

    columns: tuple[str, ...]
    ttl: float = 30.0
    _value: Facets = field(default_factory=dict)
    _read_at: float = float("-inf")
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def get(self, store: Store) -> Facets:
        """The counts, read again when older than ``ttl`` (one reader at a time)."""
        async with self._lock:
            if time.monotonic() - self._read_at > self.ttl:
                self._value = {c: await store.inbox.facets(column=c) for c in self.columns}
                self._read_at = time.monotonic()
            return self._value
