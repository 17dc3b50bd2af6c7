"""The one back-off: how long to wait before trying again after a failure."""

from __future__ import annotations

import random
from dataclasses import dataclass


def backoff(attempt: int, *, base: float, cap: float, jitter: float = 0.5) -> float:
    """Seconds to wait before retry number ``attempt`` (0 = the first retry): ``base * 2**attempt``
    capped at ``cap``, scaled by a random factor in ``[1 - jitter, 1]`` (``jitter=1`` is "full
    jitter", ``0`` none)."""
    ceiling = min(cap, base * 2.0 ** min(max(attempt, 0), 60))
    return float(ceiling * random.uniform(1.0 - jitter, 1.0))


@dataclass(frozen=True, slots=True)
class Backoff:
    """A back-off policy an adapter is built with (tests pass a fast one)."""

    base: float
    cap: float
    jitter: float = 0.5

    def delay(self, attempt: int) -> float:
        """Seconds to wait before retry number ``attempt`` (0-based)."""
        return backoff(attempt, base=self.base, cap=self.cap, jitter=self.jitter)
