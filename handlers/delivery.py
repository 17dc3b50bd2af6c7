"""The outbox worker: sends queued messages through the adapters, with back-off and a budget.

A send whose outcome is unknown (a timeout after the request went out, a connection dropped
mid-answer, a process killed between claiming and settling) is not resent blindly: after a
longer wait it is looked for where the channel can tell (Slack), and sent only if it is not
there; elsewhere it is resent once, marked as maybe delivered twice, and never a third time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection, Mapping
from datetime import timedelta

from bot.backoff import backoff
from bot.channel import ChannelState, Sender, SendError, SendLookup
from bot.events import Channel, utcnow
from handlers.metrics import Metrics
from handlers.worker import WorkerLoop
from models.store import Store
from models.store.outbox import DueItem, Settled

log = logging.getLogger(__name__)
LEASE_S = 60.0
"""How long a claimed send may take before another worker takes it as interrupted."""
UNSURE_WAIT_S = 60.0
"""How long to wait after a send of unknown outcome before looking for it or resending it."""
BATCH = 32
IDLE_POLL_S = 1.0


def retry_wait(
    attempts: int, *, base: float, cap: float, retry_after: float | None = None
) -> float:
    """Seconds to wait after the ``attempts``-th failed send: the platform's word if given, else
    the shared back-off."""
    if retry_after is not None:
        return max(0.0, retry_after)
    return backoff(attempts - 1, base=base, cap=cap)


class Delivery:
    """Claims due outbox items and hands each to its channel's adapter."""

    def __init__(
        self,
        store: Store,
        adapters: Mapping[Channel, Sender],
        metrics: Metrics,
        *,
        max_attempts: int,
        base_delay: float,
        max_delay: float,
        lease_s: float = LEASE_S,
        unsure_wait_s: float = UNSURE_WAIT_S,
        only: Collection[Channel] | None = None,
    ) -> None:
        self._store = store
        self._on_settled: Callable[[list[Settled]], Awaitable[None]] | None = None
        self._adapters = adapters
        self._metrics = metrics
        self._max_attempts = max_attempts
        self._base = base_delay
        self._cap = max_delay
        self._lease = timedelta(seconds=lease_s)
        self._unsure_wait = timedelta(seconds=unsure_wait_s)
        self._others = [c.value for c in Channel if only is not None and c not in only]
        self._loop = WorkerLoop("delivery", self.run_once, full=BATCH, idle_s=IDLE_POLL_S)

    def wake(self) -> None:
        """Something was queued."""
        self._loop.wake()

    def start(self) -> None:
        """Start the worker loop."""
        self._loop.start()

    async def stop(self) -> None:
        """Let sends in flight finish (up to a grace period), then stop."""
        await self._loop.stop()

    async def run_once(self) -> int:
        """Send one batch of due items at once and record what became of them together. A
        channel whose connection another process holds (standby here) is left to that one, and
        with ``only`` (a command that sends e-mail now), every other channel to the bot."""
        standby = [c.value for c, a in self._adapters.items() if a.state is ChannelState.STANDBY]
        standby += self._others
        items = await self._store.outbox.claim(limit=BATCH, lease=self._lease, skip=standby)
        if items:
            outcomes = list(await asyncio.gather(*(self._send(i) for i in items)))
            await self._store.outbox.settle(outcomes=outcomes)
            await self._told(outcomes)
        return len(items)

    def follow(self, on_settled: Callable[[list[Settled]], Awaitable[None]]) -> None:
        """Be told what became of each batch of sends, once it is recorded."""
        self._on_settled = on_settled

    async def _told(self, outcomes: list[Settled]) -> None:
        if self._on_settled is None:
            return
        try:
            await self._on_settled(outcomes)
        except Exception:
            log.exception("following %d settled sends failed", len(outcomes))

    async def _send(self, item: DueItem) -> Settled:
        adapter = self._adapters.get(item.channel)
        if item.interrupted:
            blind = item.unsure > 0 and not _checkable(adapter, item)
            return self._unsure(item, SendError("the sender stopped mid-send"), blind=blind)
        verdict: str | None = ""
        try:
            if adapter is None:
                raise SendError(f"channel {item.channel.value} is not connected")
            verdict = await self._look_up(adapter, item)
            if verdict:
                log.info("outbox item %s was delivered after all, as %s", item.id, verdict)
                return self._sent(item, verdict, maybe_twice=False)
            platform_id = await adapter.send(item.message)
        except SendError as exc:
            if not exc.unknown:
                return self._failed(item, exc)
            return self._unsure(item, exc, blind=item.unsure > 0 and verdict is None)
        except Exception as exc:  # noqa: BLE001 - an adapter bug must not kill the worker
            return self._failed(item, SendError(repr(exc)))
        return self._sent(item, platform_id, maybe_twice=item.unsure > 0 and verdict is None)

    async def _look_up(self, adapter: Sender, item: DueItem) -> str | None:
        """After an attempt of unknown outcome: the platform id under which it delivered the
        message, "" when it did not (or there is nothing to look for), None when the channel
        cannot tell (the resend is then blind)."""
        if not item.unsure:
            return ""
        if not _checkable(adapter, item):
            return None
        assert isinstance(adapter, SendLookup)
        return await adapter.look_up(item.message, since=item.created_at)

    def _sent(self, item: DueItem, platform_id: str, *, maybe_twice: bool) -> Settled:
        self._metrics.sent.labels(item.channel.value).inc()
        return Settled(item.id, "sent", platform_message_id=platform_id, maybe_twice=maybe_twice)

    def _unsure(self, item: DueItem, exc: SendError, *, blind: bool) -> Settled:
        """The attempt may have been delivered: look for it (or resend it, once) after a longer
        wait; after a blind resend whose outcome is unknown too, never again (a third copy).
        An edit is only retried: done twice, it does no harm."""
        if item.message.edit_of:
            return self._failed(item, exc)
        self._metrics.send_failures.labels(item.channel.value).inc()
        unsure = item.unsure + 1
        error = f"outcome unknown (it may have been delivered): {exc}"
        if blind or item.attempts >= self._max_attempts:
            log.error("not resending outbox item %s again: %s", item.id, error)
            self._metrics.gave_up.labels(item.channel.value).inc()
            return Settled(item.id, "failed", error=error, unsure=unsure, maybe_twice=blind)
        log.warning("outbox item %s: %s; trying again later", item.id, error)
        retry_at = utcnow() + self._unsure_wait
        return Settled(item.id, "retry", error=error, retry_at=retry_at, unsure=unsure)

    def _failed(self, item: DueItem, exc: SendError) -> Settled:
        self._metrics.send_failures.labels(item.channel.value).inc()
        if exc.permanent or item.attempts >= self._max_attempts:
            log.error("giving up on outbox item %s: %s", item.id, exc)
            self._metrics.gave_up.labels(item.channel.value).inc()
            return Settled(item.id, "failed", error=str(exc))
        delay = retry_wait(
            item.attempts, base=self._base, cap=self._cap, retry_after=exc.retry_after
        )
        return Settled(
            item.id, "retry", error=str(exc), retry_at=utcnow() + timedelta(seconds=delay)
        )


def _checkable(adapter: Sender | None, item: DueItem) -> bool:
    """Whether the channel can tell if an earlier attempt delivered this item's message."""
    return isinstance(adapter, SendLookup) and adapter.can_look_up(item.message)
