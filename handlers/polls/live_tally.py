"""Live results: a live poll's button posts are edited to show the tally, at most every pass
of this job (15 s) and only when votes changed, so a burst of votes makes a few edits; on every
channel that can edit (Polls.refresh_live)."""

from __future__ import annotations

from datetime import datetime, timedelta

from handlers.polls.service import Polls

EVERY = timedelta(seconds=15)


class LiveTally:
    """A job (see handlers/jobs.py): refresh the live tallies; one process at a time, by lease."""

    name = "live-tally"

    def __init__(self, polls: Polls, *, every: timedelta = EVERY) -> None:
        self._polls = polls
        self.every = every

    async def run(self, now: datetime) -> None:
        """Queue the edits that votes since the last pass call for."""
        await self._polls.refresh_live()
