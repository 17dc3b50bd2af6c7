"""One digest per week and destination (``store.digest_runs``): a row is inserted once (ON
CONFLICT DO NOTHING), leased by one process at a time (the work queues' one lease), and
handed to the outbox in the transaction that queues its message (or, when the digest could not
be built, due again later): nothing queued twice by a restart or a second process. Sending,
retrying and any failure are the outbox's, shown in the run's listing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, select, update
from sqlalchemy.engine import Connection

from bot.events import OutboundMessage
from models.store.digest.tables import DigestRun
from models.store.jobs.lease import lease as lease_rows
from models.store.outbox import queue as outbox
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
    message_id: int | None = None
    """The outbox message carrying the digest, once handed over."""


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
    """Lease the week's due rows (pending and not backing off or leased), as every work queue
    is leased (``models.store.jobs.lease``); ``retry_now`` first makes rows that failed for good
    due again (a person asked)."""
    if retry_now:
        conn.execute(
            update(DigestRun)
            .where(DigestRun.week == week, DigestRun.status == "failed")
            .values(status="pending", next_attempt_at=now)
        )
    r = DigestRun
    due = and_(r.week == week, r.status == "pending", r.next_attempt_at <= now)
    ids = lease_rows(conn, r, due, limit=100, for_=lease, now=now)
    if not ids:
        return []
    rows: list[Any] = list(conn.execute(select(*_COLUMNS).where(r.id.in_(ids)).order_by(r.id)))
    return [Run(*row) for row in rows]


_COLUMNS = (
    DigestRun.id,
    DigestRun.week,
    DigestRun.destination,
    DigestRun.status,
    DigestRun.attempts,
    DigestRun.last_error,
    DigestRun.sent_at,
    DigestRun.outbox_message_id,
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


def hand_over(
    conn: Connection, run_id: int, attempts: int, message: OutboundMessage, now: datetime
) -> bool:
    """Mark the run handed over and queue its message on the outbox, together; False (nothing
    queued) when this claim's lease lapsed and another process took the run."""
    return outbox.hand_over(
        conn,
        DigestRun,
        row_id=run_id,
        attempts=attempts,
        message=message,
        author="feedbot:digest",
        status="sent",
        sent_at=now,
        last_error="",
    )


def listed(conn: Connection, weeks: list[str] | None) -> list[Run]:
    """Runs, newest week first (of some weeks, or all), each with its send's state."""
    r = DigestRun
    query = outbox.delivery_state(
        select(r.id, r.week, r.destination).select_from(r),
        r.outbox_message_id,
        *(r.status, r.attempts, r.last_error, r.sent_at),
    ).add_columns(r.outbox_message_id)
    query = query.order_by(r.week.desc(), r.destination)
    if weeks is not None:
        query = query.where(DigestRun.week.in_(weeks))
    return [Run(*row) for row in conn.execute(query).all()]


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

    async def hand_over(
        self, *, run_id: int, attempts: int, message: OutboundMessage, now: datetime
    ) -> bool:
        """Queue a claimed run's message on the outbox and mark the run handed over, unless
        its lease was lost."""
        return await self._db.write(hand_over, run_id, attempts, message, now)

    async def listed(self, *, weeks: list[str] | None = None) -> list[Run]:
        """Runs and their state."""
        return await self._db.read(listed, weeks)
