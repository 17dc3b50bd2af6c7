"""Admitting a batch of widget requests in one transaction: which sessions are live, and each
request's place in its session's and its address's count for this minute."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from bot.events import utcnow
from models.store.session_tables import RateCounter, WidgetSession

WINDOW_S = 60


@dataclass(frozen=True)
class Ask:
    """One request: its session's digest, its address key, and the limits that apply."""

    session: str
    address: str
    per_session: int
    per_address: int
    lifetime: timedelta


def admit_many(conn: Connection, asks: list[Ask]) -> list[str]:
    """'ok', 'unknown' or 'throttled' for each request, in order; renews the live sessions.

    Counts and expiry are cheap to lose, so PostgreSQL need not wait for the WAL flush."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
    live = _live(conn, {a.session for a in asks})
    keys = [a.address for a in asks] + [_session_key(a) for a in asks if a.session in live]
    places = _places(keys, add_counts(conn, Counter(keys)))
    verdicts = []
    for ask in asks:
        over = next(places[ask.address]) > ask.per_address
        if ask.session not in live:
            verdicts.append("throttled" if over else "unknown")
        else:
            over = next(places[_session_key(ask)]) > ask.per_session or over
            verdicts.append("throttled" if over else "ok")
    _renew(conn, [a for a, v in zip(asks, verdicts, strict=True) if v == "ok"])
    return verdicts


def add_counts(conn: Connection, adds: Counter[str]) -> dict[str, int]:
    """Add to each key's count for the current window; the totals now, by key."""
    window = int(time.time()) // WINDOW_S
    module = sqlite if conn.dialect.name == "sqlite" else postgresql
    rows = [{"key": k, "window": window, "count": n} for k, n in sorted(adds.items())]
    stmt = module.insert(RateCounter).values(rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=["key", "window"], set_={"count": RateCounter.count + stmt.excluded.count}
    ).returning(RateCounter.key, RateCounter.count)
    totals = {str(k): int(c) for k, c in conn.execute(stmt).all()}
    if any(totals[k] == n and k.startswith("a:") for k, n in adds.items()):
        conn.execute(delete(RateCounter).where(RateCounter.window < window - 1))
    return totals


def _places(keys: list[str], totals: dict[str, int]) -> dict[str, Iterator[int]]:
    """For each key, an iterator over the places of its requests in the window's count."""
    adds = Counter(keys)
    return {k: iter(range(totals[k] - n + 1, totals[k] + 1)) for k, n in adds.items()}


def _live(conn: Connection, digests: set[str]) -> set[str]:
    """Which of these sessions are issued, not ended and not expired."""
    query = select(WidgetSession.digest).where(
        WidgetSession.digest.in_(digests),
        WidgetSession.ended_at.is_(None),
        WidgetSession.expires_at > utcnow(),
    )
    return {str(d) for d in conn.execute(query).scalars()}


def _renew(conn: Connection, asks: list[Ask]) -> None:
    """Slide the expiry of the sessions just used."""
    if not asks:
        return
    lifetime = max(a.lifetime for a in asks)
    conn.execute(
        update(WidgetSession)
        .where(WidgetSession.digest.in_({a.session for a in asks}))
        .values(expires_at=utcnow() + lifetime)
    )


def _session_key(ask: Ask) -> str:
    return "s:" + ask.session[:40]
