"""Waiting on X after a 429: the announced reset."""

from __future__ import annotations

from tweepy.errors import TooManyRequests

NO_RESET_WAIT_S = 60.0
"""How long to wait after a 429 that names no reset time (X's windows are 15 minutes)."""


def reset_wait(exc: TooManyRequests, now: float) -> float | None:
    """Seconds until the ``x-rate-limit-reset`` a 429 announced (plus one); None when absent."""
    if exc.reset_time is None:
        return None
    return max(0.0, float(exc.reset_time) - now + 1)
