"""The poll scheduler: opens scheduled polls (outside quiet hours) and closes them on time.

State lives in the polls table (status, opens_at, closes_at), so a restart loses no schedule.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot.events import utcnow
from handlers.polls import Polls
from models.store import Store

log = logging.getLogger(__name__)


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
    """Every ``interval_s``: close polls whose time is up, open those due (unless it is quiet)."""

    def __init__(
        self,
        store: Store,
        polls: Polls,
        *,
        quiet_hours: tuple[time, time] | None,
        zone: ZoneInfo,
        interval_s: float = 15.0,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._store = store
        self._polls = polls
        self._quiet = quiet_hours
        self._zone = zone
        self._interval = interval_s
        self._clock = clock or utcnow
        self._task: asyncio.Task[None] | None = None

    async def run_once(self) -> tuple[list[int], list[int]]:
        """One pass; returns the polls opened and closed."""
        to_open, to_close = await self._store.polls.due(now=self._clock())
        for poll_id in to_close:
            await self._polls.close(poll_id)
        await self._polls.refresh_live()
        if to_open and is_quiet(self._clock(), self._quiet, self._zone):
            log.info("quiet hours: %d poll(s) wait to open", len(to_open))
            return [], to_close
        for poll_id in to_open:
            await self._polls.send(poll_id)
        return to_open, to_close

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="poll-scheduler")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _loop(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception:
                log.exception("poll scheduler pass failed")
            await asyncio.sleep(self._interval)
