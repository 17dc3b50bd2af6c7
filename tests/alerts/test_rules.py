"""The alert rules, pure: the Poisson tail, the spike test, the windows across a clock change,
and which item alerts a moment calls for."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from handlers.alerts.quiet import Quiet
from handlers.alerts.rules import (
    AlertRules,
    item_alerts,
    poisson_tail,
    spike,
    spike_windows,
    weeks_covered,
)
from models.store.alerts.raised import ItemDue
from models.store.alerts.spikes import TopicCount

LONDON = ZoneInfo("Europe/London")
RULES = AlertRules(quiet=Quiet(LONDON))
NOW = datetime(2026, 12, 1, 11, 0, tzinfo=UTC)
LONG_AGO = NOW - timedelta(days=365)


def test_the_poisson_tail_matches_the_sum_of_its_terms() -> None:
    lam, k = 2.0, 6
    expected = 1 - sum(math.exp(-lam) * lam**i / math.factorial(i) for i in range(k))
    assert math.isclose(poisson_tail(k, lam), expected, rel_tol=1e-9)
    assert poisson_tail(0, 3.0) == 1.0 and poisson_tail(3, 0.0) == 0.0
    assert poisson_tail(30, 2.0) < 1e-20 and poisson_tail(20, 20.0) == 1.0


def counts(current: int, past: int) -> TopicCount:
    return TopicCount("wifi_and_it", current, past, LONG_AGO)


def test_thirty_against_a_usual_two_is_a_spike_and_usual_rates_are_not() -> None:
    windows = spike_windows(NOW, RULES)
    found = spike(counts(30, 8), windows, RULES)
    assert found is not None and (found.count, found.usual, found.weeks) == (30, 2.0, 4)
    assert spike(counts(2, 8), windows, RULES) is None
    assert spike(counts(20, 80), windows, RULES) is None  # busy, but as usual
    assert spike(counts(9, 0), windows, RULES) is None  # under the minimum count
    assert spike(counts(12, 32), windows, RULES) is None  # 1.5 times the usual: not far above


def test_no_history_no_spike_and_a_short_history_counts_only_its_weeks() -> None:
    windows = spike_windows(NOW, RULES)
    assert spike(TopicCount("wifi", 50, 0, None), windows, RULES) is None
    assert spike(TopicCount("wifi", 50, 0, NOW - timedelta(days=2)), windows, RULES) is None
    nine_days = NOW - timedelta(days=9)
    assert weeks_covered(nine_days, windows) == 1
    found = spike(TopicCount("wifi", 30, 3, nine_days), windows, RULES)
    assert found is not None and found.usual == 3.0


def test_past_windows_keep_the_local_hour_across_the_clock_change() -> None:
    after = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)  # 10:00 GMT, Monday
    windows = spike_windows(after, RULES)
    assert windows.current == (after - timedelta(hours=1), after)
    week_before_change = windows.past[1][1]  # Monday 26 Oct is GMT; 19 Oct was BST
    assert week_before_change.astimezone(LONDON).hour == 10
    assert windows.past[1][1] == datetime(2026, 10, 19, 9, 0, tzinfo=UTC)


def due(
    item: int, at: datetime, *, priority: str = "normal", arrived: datetime = LONG_AGO
) -> ItemDue:
    return ItemDue(item, priority, at, 0, arrived)


def test_which_item_alerts_a_moment_calls_for() -> None:
    alerts = item_alerts(
        [due(1, NOW + timedelta(hours=2), priority="urgent", arrived=NOW)],
        [
            due(1, NOW + timedelta(minutes=50), priority="urgent", arrived=NOW),
            due(2, NOW + timedelta(minutes=30)),
            due(3, NOW - timedelta(minutes=1)),
        ],
        NOW,
        RULES,
    )
    assert [(a.kind, a.subject, a.urgent) for a in alerts] == [
        ("urgent", "item:1#0", True),
        ("due_soon", "item:2@2026-12-01T11:30:00Z", False),
        ("overdue", "item:3@2026-12-01T10:59:00Z", False),
    ]
