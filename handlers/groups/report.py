"""Building the coverage report from the store (the CLI, the coverage page and the digest's
coverage section all call this)."""

from __future__ import annotations

import asyncio
from datetime import datetime

from config.calendar import AcademicCalendar
from config.groups import CustomerGroups
from handlers.groups.coverage import Coverage, coverage
from handlers.groups.spans import spans
from models.store import Store


async def coverage_report(
    store: Store,
    groups: CustomerGroups,
    calendar: AcademicCalendar,
    now: datetime,
    *,
    topics: bool = True,
) -> Coverage:
    """Coverage of this term (or the last 12 weeks) against the one before."""
    this, previous = spans(calendar, now)
    now_heard = store.people.heard(since=this.since, until=this.until, topics=topics)
    if previous is None:
        return coverage(groups, await now_heard, None, (this, previous))
    # the two spans at once: PostgreSQL answers them on two connections (SQLite in turn)
    heard, before = await asyncio.gather(
        now_heard, store.people.heard(since=previous.since, until=previous.until, topics=False)
    )
    return coverage(groups, heard, before, (this, previous))
