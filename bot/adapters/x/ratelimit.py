"""Waiting on X: back-off with jitter for failures, the announced reset for 429s."""

from __future__ import annotations

import random
from dataclasses import dataclass

from tweepy.errors import TooManyRequests

NO_RESET_WAIT_S = 60.0
"""How long to wait after a 429 that names no reset time (X's windows are 15 minutes)."""


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential back-off with jitter: ``base_s * 2**attempt``, capped, scaled by 0.5 to 1.0."""

    base_s: float = 2.0
    cap_s: float = 300.0

    def delay(self, attempt: int) -> float:
        """Seconds to wait before retry number ``attempt`` (0-based)."""
        ceiling = min(self.cap_s, self.base_s * float(2 ** min(attempt, 32)))
        return float(ceiling * random.uniform(0.5, 1.0))


def reset_wait(exc: TooManyRequests, now: float) -> float | None:
    """Seconds until the ``x-rate-limit-reset`` a 429 announced (plus one); None when absent."""
    if exc.reset_time is None:
        return None
    return max(0.0, float(exc.reset_time) - now + 1)
