"""Sliding-window request counts, kept in memory so that a request costs the store nothing.

A window is the current ten-second slot and the six before it, so no 60 seconds ever hold more
than the limit, and a limit frees up ten seconds at a time instead of resetting all at once on
a clock boundary (a fixed minute let 115 votes through in ten seconds). Counts other processes
made reach this one through ``unsent`` and ``merge`` (see sessions.py), so processes sharing a
database agree within a sync."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence

SLOT_S = 10
SLOTS = 6  # a minute


class Windows:
    """Counts per key per slot: this process's own, and the others' as last read."""

    def __init__(self, *, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._mine: dict[str, dict[int, int]] = {}
        self._theirs: dict[str, dict[int, int]] = {}
        self._unsent: Counter[tuple[str, int]] = Counter()
        self._sent: Counter[tuple[str, int]] = Counter()
        self._swept = 0

    def take(self, asks: Sequence[tuple[str, int]]) -> bool:
        """Count one request against every (key, limit) if each key is under its limit over the
        last minute; count nothing and answer False if any is not."""
        now = self._clock()
        slot = int(now // SLOT_S)
        if any(self.total(key, now) + 1 > limit for key, limit in asks):
            return False
        for key, _ in asks:
            mine = self._mine.setdefault(key, {})
            mine[slot] = mine.get(slot, 0) + 1
            self._unsent[(key, slot)] += 1
        if slot - self._swept > SLOTS:
            self._sweep(slot)
        return True

    def total(self, key: str, now: float) -> int:
        """Requests counted for ``key`` by every process in the slot of ``now`` and the six
        before it: all of the last minute, and at most ten seconds more."""
        oldest = int(now // SLOT_S) - SLOTS
        return sum(
            n
            for counts in (self._mine.get(key), self._theirs.get(key))
            for s, n in (counts or {}).items()
            if s >= oldest
        )

    def unsent(self) -> Counter[tuple[str, int]]:
        """Counts not yet shared, taken (the next call answers only newer ones)."""
        out, self._unsent = self._unsent, Counter()
        self._sent.update(out)
        return out

    def pending(self) -> bool:
        """Whether there are counts not yet shared."""
        return bool(self._unsent)

    def active(self) -> list[str]:
        """Keys this process counted within the window."""
        return sorted(self._mine)

    def merge(self, totals: dict[tuple[str, int], int]) -> None:
        """Every process's totals per (key, slot) as stored: the others' share is what this
        process has not sent itself."""
        for (key, slot), total in totals.items():
            theirs = total - self._sent.get((key, slot), 0)
            if theirs > 0:
                self._theirs.setdefault(key, {})[slot] = theirs

    def first_slot(self) -> int:
        """The oldest slot still inside the window."""
        return int(self._clock() // SLOT_S) - SLOTS

    def _sweep(self, slot: int) -> None:
        """Forget slots that have left the window, and keys with none left."""
        oldest = slot - SLOTS
        for table in (self._mine, self._theirs):
            for key in list(table):
                kept = {s: n for s, n in table[key].items() if s >= oldest}
                if kept:
                    table[key] = kept
                else:
                    del table[key]
        self._sent = Counter({k: n for k, n in self._sent.items() if k[1] >= oldest})
        self._swept = slot
