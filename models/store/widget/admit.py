"""The store's side of widget sessions and their limits, all off the request path: which
sessions are live, counts shared between processes, sliding expiry renewed in bulk."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from bot.events import utcnow
from models.store.widget.tables import RateCounter, WidgetSession

CHUNK = 2000  # keys per statement, well under either database's parameter limit


def expiries(conn: Connection, digests: list[str]) -> dict[str, datetime | None]:
    """Each session's expiry if it was issued and not ended, else None."""
    query = select(WidgetSession.digest, WidgetSession.expires_at).where(
        WidgetSession.digest.in_(digests), WidgetSession.ended_at.is_(None)
    )
    found = {str(d): e for d, e in conn.execute(query).all()}
    return {d: found.get(d) for d in digests}


def share(
    conn: Connection,
    adds: Counter[tuple[str, int]],
    keys: list[str],
    since: int,
    renew: dict[str, timedelta],
    recheck: list[str],
) -> tuple[dict[tuple[str, int], int], dict[str, datetime | None]]:
    """Add this process's new counts, renew the sessions used, forget counts older than
    ``since``; every process's totals for ``keys`` since then, and the ``recheck`` sessions'
    expiries. Cheap to lose, so PostgreSQL need not wait for the WAL flush."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
    _add(conn, adds)
    _renew(conn, renew)
    conn.execute(delete(RateCounter).where(RateCounter.window < since))
    totals: dict[tuple[str, int], int] = {}
    for start in range(0, len(keys), CHUNK):
        query = select(RateCounter.key, RateCounter.window, RateCounter.count).where(
            RateCounter.key.in_(keys[start : start + CHUNK]), RateCounter.window >= since
        )
        totals.update({(str(k), int(w)): int(n) for k, w, n in conn.execute(query).all()})
    found: dict[str, datetime | None] = {}
    for start in range(0, len(recheck), CHUNK):
        found.update(expiries(conn, recheck[start : start + CHUNK]))
    return totals, found


def _add(conn: Connection, adds: Counter[tuple[str, int]]) -> None:
    """Add to each (key, slot) count."""
    if not adds:
        return
    module = sqlite if conn.dialect.name == "sqlite" else postgresql
    rows = [{"key": k, "window": w, "count": n} for (k, w), n in sorted(adds.items())]
    for start in range(0, len(rows), CHUNK):
        stmt = module.insert(RateCounter).values(rows[start : start + CHUNK])
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["key", "window"],
                set_={"count": RateCounter.count + stmt.excluded.count},
            )
        )


def _renew(conn: Connection, renew: dict[str, timedelta]) -> None:
    """Slide the expiry of the sessions used (never shortening one)."""
    by_lifetime: dict[timedelta, list[str]] = defaultdict(list)
    for digest, lifetime in renew.items():
        by_lifetime[lifetime].append(digest)
    now = utcnow()
    for lifetime, digests in by_lifetime.items():
        for start in range(0, len(digests), CHUNK):
            conn.execute(
                update(WidgetSession)
                .where(
                    WidgetSession.digest.in_(digests[start : start + CHUNK]),
                    WidgetSession.expires_at < now + lifetime,
                )
                .values(expires_at=now + lifetime)
            )
