"""One digest per week and destination (``store.digest_runs``): a row is inserted once (ON
CONFLICT DO NOTHING), claimed by one process at a time (UPDATE ... RETURNING on the row's
state), and settled as sent, due again later, or failed for good: nothing sent twice by a
restart or a second process, and a failure stays visible."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, or_, select, update
from sqlalchemy.engine import Connection

from models.store.digest_tables import DigestRun
from models.store.runner import Runner
from models.store.upsert import insert_ignore


@dataclass(frozen=True, slots=True)
class Run:
    """A digest run as claimed or listed."""

    id: int
    week: str
    destination: str
    status: str
    attempts: int
    last_error: str
    sent_at: datetime | None


def ensure(conn: Connection, week: str, destinations: list[str], now: datetime) -> None:
    """A pending row for each destination of the week, unless one exists."""
    rows = [
        {
            "week": week,
            "destination": d,
            "status": "pending",
            "next_attempt_at": now,
            "created_at": now,
        }
        for d in destinations
    ]
    if rows:
        conn.execute(insert_ignore(conn.dialect.name, DigestRun), rows)


def claim(
    conn: Connection, week: str, now: datetime, lease: timedelta, *, retry_now: bool = False
) -> list[Run]:
    """Take the week's due rows (pending, or sending with a lapsed lease) in one statement;
    ``retry_now`` also takes rows backing off or failed for good (a person asked)."""
    lapsed = and_(DigestRun.status == "sending", DigestRun.next_attempt_at <= now)
    waiting = (
        DigestRun.status.in_(("pending", "failed"))
        if retry_now
        else and_(DigestRun.status == "pending", DigestRun.next_attempt_at <= now)
    )
    due = and_(DigestRun.week == week, or_(lapsed, waiting))
    stmt = (
        update(DigestRun)
        .where(due)
        .values(status="sending", next_attempt_at=now + lease, attempts=DigestRun.attempts + 1)
        .returning(*_COLUMNS)
    )
    return [Run(*r) for r in conn.execute(stmt).all()]


_COLUMNS = (
    DigestRun.id,
    DigestRun.week,
    DigestRun.destination,
    DigestRun.status,
    DigestRun.attempts,
    DigestRun.last_error,
    DigestRun.sent_at,
)


def settle(conn: Connection, run_id: int, *, status: str, error: str = "", at: datetime) -> None:
    """Record what became of a claimed run: sent, pending again at ``at``, or failed."""
    values: dict[str, object] = {"status": status, "last_error": error[:2000]}
    if status == "sent":
        values["sent_at"] = at
    else:
        values["next_attempt_at"] = at
    conn.execute(
        update(DigestRun).where(DigestRun.id == bindparam("run")).values(values), {"run": run_id}
    )


def listed(conn: Connection, weeks: list[str] | None) -> list[Run]:
    """Runs, newest week first (of some weeks, or all)."""
    query = select(*_COLUMNS).order_by(DigestRun.week.desc(), DigestRun.destination)
    if weeks is not None:
        query = query.where(DigestRun.week.in_(weeks))
    return [Run(*r) for r in conn.execute(query).all()]


class DigestRuns:
    """The digest_runs area of the store, keyword-only."""

    def __init__(self, runner: Runner) -> None:
        self._db = runner

    async def ensure(self, *, week: str, destinations: list[str], now: datetime) -> None:
        """Create the week's rows once."""
        await self._db.write(ensure, week, destinations, now)

    async def claim(
        self, *, week: str, now: datetime, lease: timedelta, retry_now: bool = False
    ) -> list[Run]:
        """Claim the week's due rows for this process."""
        return await self._db.write(claim, week, now, lease, retry_now=retry_now)

    async def settle(self, *, run_id: int, status: str, at: datetime, error: str = "") -> None:
        """Settle a claimed row."""
        await self._db.write(settle, run_id, status=status, error=error, at=at)

    async def listed(self, *, weeks: list[str] | None = None) -> list[Run]:
        """Runs and their state."""
        return await self._db.read(listed, weeks)
