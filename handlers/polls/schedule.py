"""The poll scheduler: opens scheduled polls (outside quiet hours, and after any quiet period
of the academic calendar unless the poll says "even in quiet") and closes them on time.

State lives in the polls table (status, opens_at, closes_at), so a restart loses no schedule.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from config.calendar import AcademicCalendar
from handlers.polls.quiet_period import hold
from handlers.polls.service import PollRefused, Polls
from models.store import Store

log = logging.getLogger(__name__)
EVERY = timedelta(seconds=15)
DUE = ("scheduled",)


def parse_quiet_hours(text: str) -> tuple[time, time] | None:
    """'21:00-08:00' → (21:00, 08:00); '' → None. ValueError names the problem."""
    if not text.strip():
        return None
    start, sep, end = text.partition("-")
    if not sep:
        raise ValueError("use HH:MM-HH:MM, e.g. 21:00-08:00")
    return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())


def is_quiet(now: datetime, hours: tuple[time, time] | None, zone: ZoneInfo) -> bool:
    """True when ``now`` falls inside the quiet hours (which may wrap past midnight)."""
    if hours is None:
        return False
    local = now.astimezone(zone).time()
    start, end = hours
    return start <= local < end if start <= end else local >= start or local < end


class PollScheduler:
    """A job (see handlers/jobs.py): close polls whose time is up, open those due (unless it is
    quiet). Each opening and closing is claimed in the store, so whichever processes run this
    at once, a poll opens once and closes once, and its posts go out once."""

    name = "poll-schedule"

    def __init__(
        self,
        store: Store,
        polls: Polls,
        *,
        quiet_hours: tuple[time, time] | None,
        zone: ZoneInfo,
        every: timedelta = EVERY,
        calendar: AcademicCalendar | None = None,
    ) -> None:
        self._store = store
        self._polls = polls
        self._quiet = quiet_hours
        self._zone = zone
        self.every = every
        self._calendar = calendar or AcademicCalendar()

    async def run(self, now: datetime) -> None:
        """One pass at ``now``."""
        await self.pass_at(now)

    async def pass_at(self, now: datetime) -> tuple[list[int], list[int]]:
        """One pass; returns the polls this caller opened and closed."""
        to_open, to_close = await self._store.polls.due(now=now)
        closed = [p for p in to_close if (await self._polls.close_once(p))[1]]
        if to_open and is_quiet(now, self._quiet, self._zone):
            log.info("quiet hours: %d poll(s) wait to open", len(to_open))
            return [], closed
        sent = [p for p in await self._not_held(to_open, now) if await self._opened(p)]
        return sent, closed

    async def _not_held(self, due: list[int], now: datetime) -> list[int]:
        """The due polls that may open now: all of them outside a quiet period of the
        calendar; in one, those marked "even in quiet". The others are rescheduled to open
        when it ends (audited), so the poll list says when they will go."""
        wait = hold(self._calendar, now, self._zone)
        if wait is None:
            return due
        going = []
        for poll_id in due:
            poll = await self._store.polls.get(poll_id=poll_id)
            if poll is not None and poll.even_in_quiet:
                going.append(poll_id)
            elif await self._store.polls.hold_until(
                poll_id=poll_id, opens_at=wait.until, author="feedbot:calendar"
            ):
                log.info("poll %d waits out %s until %s", poll_id, wait.period, wait.until)
        return going

    async def _opened(self, poll_id: int) -> bool:
        """Open a due poll; False when another process opened (or someone closed) it first."""
        try:
            return (await self._polls.send_once(poll_id, from_=DUE))[1]
        except PollRefused:  # closed by hand between the two reads
            return False
