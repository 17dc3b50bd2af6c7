"""Named leases shared by every process on one database (``store.leases``): a periodic job or
an exclusive platform connection is done by the process whose lease on its name is current.

Taking a lease is one conditional statement: an INSERT that does nothing when the row exists,
then an UPDATE that only matches while the row is ours or has lapsed. Two processes racing for
a lapsed lease both run the UPDATE; the database lets one match (on PostgreSQL the second waits
for the first's row lock and then re-checks the condition), so exactly one wins. (Rows that
workers lease from a queue — events, outbox — are in ``lease.py``.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, select, update
from sqlalchemy.engine import Connection

from models.store.jobs.lease_tables import JobLease
from models.store.runner import Runner
from models.store.upsert import insert_ignore


@dataclass(frozen=True, slots=True)
class Held:
    """A lease as stored: its holder, until when, and since when that holder has had it."""

    name: str
    holder: str
    lease_until: datetime
    acquired_at: datetime


def acquire(conn: Connection, *, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
    """Take or renew ``name`` for ``holder`` until ``now + ttl``; False while another holds it."""
    until = now + ttl
    row = {"name": name, "holder": holder, "lease_until": until, "acquired_at": now}
    if conn.execute(insert_ignore(conn.dialect.name, JobLease).values(row)).rowcount == 1:
        return True
    mine = JobLease.holder == holder
    won = conn.execute(
        update(JobLease)
        .where(JobLease.name == name, mine | (JobLease.lease_until <= now))
        .values(
            holder=holder,
            lease_until=until,
            acquired_at=case((mine, JobLease.acquired_at), else_=now),
        )
    )
    return won.rowcount == 1


def release(conn: Connection, *, name: str, holder: str, now: datetime) -> bool:
    """Give ``name`` up now if ``holder`` has it (a clean stop: another may take it at once)."""
    done = conn.execute(
        update(JobLease)
        .where(JobLease.name == name, JobLease.holder == holder, JobLease.lease_until > now)
        .values(lease_until=now)
    )
    return done.rowcount == 1


def held(conn: Connection, *, name: str) -> Held | None:
    """The stored lease on ``name`` (current or lapsed), if it was ever taken."""
    row = conn.execute(
        select(JobLease.name, JobLease.holder, JobLease.lease_until, JobLease.acquired_at).where(
            JobLease.name == name
        )
    ).one_or_none()
    return None if row is None else Held(*row)


class Leases:
    """The leases area of the store, keyword-only. Writes go on the durable lane, so that
    renewing a lease never queues behind a backlog of background work."""

    def __init__(self, runner: Runner) -> None:
        self._db = runner

    async def acquire(self, *, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
        """Take or renew a lease; True when ``holder`` has it until ``now + ttl``."""
        return await self._db.write(acquire, name=name, holder=holder, now=now, ttl=ttl)

    async def release(self, *, name: str, holder: str, now: datetime) -> bool:
        """Give a lease up; True when ``holder`` had it."""
        return await self._db.write(release, name=name, holder=holder, now=now)

    async def held(self, *, name: str) -> Held | None:
        """Who has (or last had) a lease."""
        return await self._db.read(held, name=name)
