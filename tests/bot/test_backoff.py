"""The one back-off: grows by doubling, is capped, and its jitter stays in the stated band."""

from __future__ import annotations

import pytest

from bot.backoff import Backoff, backoff


@pytest.mark.parametrize("jitter", [0.0, 0.5, 1.0])
def test_doubles_from_base_up_to_the_cap_within_the_jitter_band(jitter: float) -> None:
    for attempt in range(12):
        ceiling = min(30.0, 0.5 * 2**attempt)
        for _ in range(20):
            wait = backoff(attempt, base=0.5, cap=30.0, jitter=jitter)
            assert (1 - jitter) * ceiling <= wait <= ceiling


def test_without_jitter_it_is_exact_and_huge_attempts_stay_at_the_cap() -> None:
    assert [backoff(n, base=1.0, cap=8.0, jitter=0.0) for n in range(6)] == [1, 2, 4, 8, 8, 8]
    assert backoff(10_000, base=1.0, cap=8.0, jitter=0.0) == 8.0
    assert backoff(-3, base=1.0, cap=8.0, jitter=0.0) == 1.0


def test_a_policy_object_delays_like_the_function() -> None:
    policy = Backoff(base=2.0, cap=10.0, jitter=0.0)
    assert [policy.delay(n) for n in range(4)] == [2.0, 4.0, 8.0, 10.0]
