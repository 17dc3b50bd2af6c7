"""Building the coverage report from the store (the CLI, the coverage page and the digest's
coverage section all call this)."""

from __future__ import annotations

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
    heard = await store.people.heard(since=this.since, until=this.until, topics=topics)
    before = None
    if previous is not None:
        before = await store.people.heard(since=previous.since, until=previous.until, topics=False)
    return coverage(groups, heard, before, (this, previous))
