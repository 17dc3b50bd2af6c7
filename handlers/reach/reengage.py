""" "We miss you": people who said yes to "may we contact you again now and then?" and have
been silent for a while get one friendly message with a quick poll, at most once a period.
A periodic job; the send itself is an ordinary targeted send (opt-outs, the cap, quiet hours,
reachability and the audit all apply)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from config.wording import Wording
from handlers.polls.kinds import CSAT
from handlers.reach.service import Report, Sends
from handlers.reach.spec import SendSpec
from models.store import Store
from models.store.polls.definitions import Target
from models.store.reach.sends import PEOPLE

log = logging.getLogger(__name__)
KIND = "reengage"
POLL_DAYS = 14
"""How long the quick poll stays open."""


class Reengagement:
    """A job (handlers/jobs.py): once a day, send "we miss you" to whoever is due it."""

    name = "reengage"
    every = timedelta(hours=24)

    def __init__(
        self,
        store: Store,
        sends: Sends,
        *,
        wording: Wording,
        silent: timedelta,
        every: timedelta,
    ) -> None:
        self._store = store
        self._sends = sends
        self._wording = wording
        self._silent = silent
        self._period = every

    async def run(self, now: datetime) -> None:
        """One pass at ``now``."""
        report = await self.pass_at(now)
        if report is not None:
            log.info("we miss you: told %s", report.told)

    async def pass_at(self, now: datetime) -> Report | None:
        """Send to everyone due; None when no one is."""
        consented = await self._store.reach.consented()
        if not consented:
            return None
        spec = SendSpec(
            silent_since=now - self._silent,
            only=tuple(consented),
            not_asked=(KIND, now - self._period),
        )
        if await self._sends.count(spec) == 0:
            return None
        poll_id = await self._store.polls.create(
            targets=[Target("widget", PEOPLE)],  # shown to no one but the people asked
            options=list(CSAT),
            question=self._wording.text("reach.reengage_question"),
            kind="csat",
            status="open",
            closes_at=now + timedelta(days=POLL_DAYS),
        )
        due = SendSpec(
            poll_id=poll_id,
            silent_since=spec.silent_since,
            only=spec.only,
            not_asked=spec.not_asked,
        )
        return await self._sends.send(due, by=None, kind=KIND, intro="reach.reengage_intro")
