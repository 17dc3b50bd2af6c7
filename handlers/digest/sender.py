"""Sending the digest once per week and destination: rows in digest_runs are claimed
atomically and handed to the outbox in the transaction that queues the message, so a restart
or a second process never queues twice and a missed Monday is queued on start. The outbox
sends it like any message (retried with back-off, visible in `outbox list`).

Why digest_runs is a queue of its own and not an outbox row: it is what makes the week's
digest *exist* once per destination (its unique row), and the digest is built from the figures
only when the run is due; the outbox holds messages already built. Its own retry covers only
a digest that could not be built (the store unreachable, say)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.backoff import backoff
from bot.events import OutboundMessage
from handlers.digest.service import Digests, Drawn
from handlers.digest.week import IsoWeek, has_ended, latest_due
from models.store import Store
from models.store.digest.runs import Run

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=10)
EARLY = "feedbot:digest-early"  # the outbox author of a forced send of a week in progress
EVERY = timedelta(minutes=1)


class Destination(Protocol):
    """Somewhere a digest goes (e-mail, the staff Slack channel): how it is said there."""

    @property
    def name(self) -> str: ...

    def compose(self, drawn: Drawn) -> OutboundMessage: ...


class NotSent(Exception):
    """The digest of that week is not sent; the message says why (the CLI prints it)."""


class WeekNotOver(NotSent):
    """The week has not ended: its digest is sent the Monday after (or now, forced)."""


class BeforeHistory(NotSent):
    """The week ended before the store held any message: there is nothing to tell."""


def retry_delay(attempts: int, *, base_s: float = 60.0, cap_s: float = 3600.0) -> timedelta:
    """Back-off after the n-th failed attempt: 1, 2, 4 ... minutes, at most an hour."""
    return timedelta(seconds=backoff(attempts - 1, base=base_s, cap=cap_s, jitter=0.0))


class DigestSender:
    """Delivers due digests; ``run_due(now)`` is the whole schedule."""

    def __init__(
        self,
        store: Store,
        digests: Digests,
        destinations: Mapping[str, Destination],
        *,
        send_at: time,
        wake_outbox: Callable[[], None] = lambda: None,
        max_attempts: int = 8,
    ) -> None:
        self._store = store
        self._digests = digests
        self._destinations = dict(destinations)
        self._send_at = send_at
        self._wake = wake_outbox
        self._max_attempts = max_attempts
        self._first: datetime | None = None

    @property
    def zone(self) -> ZoneInfo:
        """The library's time zone."""
        return self._digests.config.zone

    async def run_due(self, now: datetime) -> list[Run]:
        """Send the newest due week's digest where it has not gone yet; returns runs tried.
        Nothing for a week that ended before the store held any message (a first start)."""
        week = latest_due(now, self.zone, self._send_at)
        if not self._destinations or not await self._had_messages(week):
            return []
        return await self.send(week, now)

    async def send(self, week: IsoWeek, now: datetime, *, retry_now: bool = False) -> list[Run]:
        """Send ``week``'s digest to every destination that has not had it (``retry_now``: even
        where a failed attempt is still backing off). WeekNotOver for a week not ended yet
        (``send_early`` sends one anyway), BeforeHistory for a week before any message."""
        if not has_ended(week, now, self.zone):
            raise WeekNotOver(
                f"{week} has not ended yet: its digest goes the Monday after; "
                "--force sends the figures so far now (the Monday digest still goes)"
            )
        if not await self._had_messages(week):
            raise BeforeHistory(f"{week} ended before the store held any message: nothing to send")
        if not self._destinations:
            return []
        runs = self._store.digest_runs
        await runs.ensure(week=str(week), destinations=sorted(self._destinations), now=now)
        claimed = await runs.claim(week=str(week), now=now, lease=LEASE, retry_now=retry_now)
        if claimed:
            drawn = await self._digests.drawn(week, now=now)
            for run in claimed:
                await self._hand_over(run, drawn, now)
            self._wake()
        return claimed

    async def send_early(self, week: IsoWeek, now: datetime) -> list[tuple[str, int]]:
        """The week's figures so far to every destination, now, straight onto the outbox:
        no digest_runs row is made or touched, so the week's own digest still goes once, the
        Monday after. Returns (destination, outbox message id) per destination."""
        if has_ended(week, now, self.zone):
            raise NotSent(f"{week} has ended: send it without --force")
        drawn = await self._digests.drawn(week, now=now)
        queued = []
        for name, destination in sorted(self._destinations.items()):
            message = destination.compose(drawn)
            queued.append((name, await self._store.outbox.enqueue(message=message, author=EARLY)))
        self._wake()
        return queued

    async def _had_messages(self, week: IsoWeek) -> bool:
        """Whether the store held a message before the week ended."""
        if self._first is None:
            self._first = await self._store.digest.first_message_at()
        return self._first is not None and self._first < week.end(self.zone)

    async def _hand_over(self, run: Run, drawn: Drawn, now: datetime) -> None:
        destination = self._destinations.get(run.destination)
        try:
            if destination is None:
                raise LookupError(f"destination {run.destination} is not configured")
            message = destination.compose(drawn)
            runs = self._store.digest_runs
            if not await runs.hand_over(
                run_id=run.id, attempts=run.attempts, message=message, now=now
            ):
                log.warning("digest %s to %s: taken by another process", run.week, run.destination)
                return
        except Exception as exc:  # noqa: BLE001 - kept on the row and retried
            error = f"{type(exc).__name__}: {exc}"
            final = run.attempts >= self._max_attempts
            log.warning("digest %s to %s not queued: %s", run.week, run.destination, error)
            status, at = ("failed", now) if final else ("pending", now + retry_delay(run.attempts))
            await self._store.digest_runs.settle(run_id=run.id, status=status, at=at, error=error)
            return
        log.info("digest %s queued for %s", run.week, run.destination)


class DigestJob:
    """A job (see handlers/jobs.py): ``run_due`` every minute (and at start, so a Monday missed
    while the bot was down is queued then). Each week and destination is claimed in
    digest_runs, so two processes never queue one twice; a run cut short by a stop is taken
    again when its claim lapses."""

    name = "digest"

    def __init__(self, sender: DigestSender, *, every: timedelta = EVERY) -> None:
        self._sender = sender
        self.every = every

    async def run(self, now: datetime) -> None:
        """Send what is due."""
        await self._sender.run_due(now)
