"""What raises an alert, pure: urgent items, due times near and missed, and topic spikes
(a one-sided Poisson test of this window's count against the same stretch of the week in the
trailing weeks, with a minimum count and at least double the usual rate)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from handlers.alerts.quiet import Quiet
from models.store.alerts.raised import ItemDue, NewAlert
from models.store.alerts.spikes import SpikeWindows, TopicCount

LOOKBACK = timedelta(days=1)
"""Items are looked at while urgent or overdue for at most this long (older ones, as after a
long outage or on the first start, raise nothing)."""
SPIKE_RATIO = 2.0
"""A spike is at least this many times the usual rate, however unlikely by chance."""


@dataclass(frozen=True)
class AlertRules:
    """The alert settings, as the checker uses them."""

    quiet: Quiet
    warn: timedelta = timedelta(minutes=60)
    spike_window: timedelta = timedelta(minutes=60)
    spike_weeks: int = 4
    spike_min_count: int = 10
    spike_p: float = 0.0001
    lookback: timedelta = field(default=LOOKBACK)

    @property
    def zone(self) -> ZoneInfo:
        """The library's time zone."""
        return self.quiet.zone


def stamp(at: datetime) -> str:
    """A UTC time as it appears in alert subjects: 2026-12-01T10:05:00Z."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def item_alerts(
    urgent: Sequence[ItemDue], due: Sequence[ItemDue], now: datetime, rules: AlertRules
) -> list[NewAlert]:
    """An ``urgent`` alert per urgent item (again only if it is reopened), and per item due
    within the warning window a ``due_soon``, or past it an ``overdue`` (once per due time).
    An urgent item that arrived already inside the window gets no ``due_soon``."""
    alerts = [
        NewAlert(
            kind="urgent",
            subject=f"item:{i.item_id}#{i.reopened}",
            send_after=now,
            urgent=True,
            item_id=i.item_id,
            detail={"due_at": stamp(i.due_at)},
        )
        for i in urgent
    ]
    for i in due:
        is_urgent = i.priority == "urgent"
        if is_urgent and i.due_at > now and i.due_at - rules.warn <= i.last_message_at:
            continue  # it arrived inside the window: its urgent alert gave the due time
        alerts.append(
            NewAlert(
                kind="overdue" if i.due_at <= now else "due_soon",
                subject=f"item:{i.item_id}@{stamp(i.due_at)}",
                send_after=now if is_urgent else rules.quiet.send_after(now),
                urgent=is_urgent,
                item_id=i.item_id,
                due_at=i.due_at,
                detail={"due_at": stamp(i.due_at)},
            )
        )
    return alerts


def spike_windows(now: datetime, rules: AlertRules) -> SpikeWindows:
    """The last ``spike_window`` up to ``now``, and the same local wall-clock stretch in each of
    the trailing weeks (so a clock change does not shift the hour of the week)."""
    local = now.astimezone(rules.zone)
    past = []
    for weeks in range(1, rules.spike_weeks + 1):
        end = (local - timedelta(weeks=weeks)).astimezone(UTC)  # wall-clock arithmetic
        past.append((end - rules.spike_window, end))
    return SpikeWindows(current=(now - rules.spike_window, now), past=tuple(past))


def weeks_covered(first_at: datetime | None, windows: SpikeWindows) -> int:
    """How many past windows the stored history wholly covers."""
    if first_at is None:
        return 0
    return sum(1 for start, _ in windows.past if start >= first_at)


def poisson_tail(k: int, lam: float) -> float:
    """P(X >= k) for X ~ Poisson(lam)."""
    if k <= 0:
        return 1.0
    if lam <= 0:
        return 0.0
    if k <= lam:
        return 1.0  # at or below the mean: at least about a half, never a spike
    term = math.exp(-lam + k * math.log(lam) - math.lgamma(k + 1))
    total, i = 0.0, k
    while term > 1e-300 and term > total * 1e-15:
        total += term
        i += 1
        term *= lam / i
    return min(1.0, total)


@dataclass(frozen=True, slots=True)
class Spike:
    """A topic far above its usual rate."""

    topic: str
    count: int
    usual: float
    weeks: int
    p: float


def spike(count: TopicCount, windows: SpikeWindows, rules: AlertRules) -> Spike | None:
    """The spike this topic's counts show, if any (no history yet: never)."""
    weeks = weeks_covered(count.first_at, windows)
    if weeks == 0 or count.current < rules.spike_min_count:
        return None
    usual = count.past / weeks
    if count.current < SPIKE_RATIO * usual:
        return None
    p = poisson_tail(count.current, usual)
    if p > rules.spike_p:
        return None
    return Spike(count.topic, count.current, usual, weeks, p)


def spike_alert(
    found: Spike, started: datetime, examples: Sequence[int], now: datetime, rules: AlertRules
) -> NewAlert:
    """The one alert of a spike (its subject is the spike's start)."""
    return NewAlert(
        kind="spike",
        subject=f"topic:{found.topic}@{stamp(started)}",
        send_after=rules.quiet.send_after(now),
        topic=found.topic,
        detail={
            "count": found.count,
            "usual": round(found.usual, 2),
            "weeks": found.weeks,
            "window_minutes": int(rules.spike_window.total_seconds() // 60),
            "examples": list(examples),
            "since": stamp(now - rules.spike_window),
        },
    )
