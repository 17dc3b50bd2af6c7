"""The outbox worker: sends queued messages through the adapters, with back-off and a budget.

A send whose outcome is unknown (a timeout after the request went out, a connection dropped
mid-answer, a process killed between claiming and settling) is not resent blindly: after a
longer wait it is looked for where the channel can tell (Slack), and sent only if it is not
there; elsewhere it is resent once, marked as maybe delivered twice, and never a third time.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Collection, Mapping
from datetime import timedelta

from bot.backoff import backoff
from bot.channel import ChannelState, Sender, SendError, SendLookup
from bot.events import Channel, utcnow
from handlers.metrics import Metrics
from handlers.worker import WorkerLoop
from models.store import Store
from models.store.outbox.outcomes import Settled
from models.store.outbox.queue import DueItem

log = logging.getLogger(__name__)
LEASE_S = 60.0
"""How long a claimed send may take before another worker takes it as interrupted."""
UNSURE_WAIT_S = 60.0
"""How long to wait after a send of unknown outcome before looking for it or resending it."""
BATCH = 32
IDLE_POLL_S = 1.0
QUICK_S = 0.5
"""Sends of one batch that finish within this are recorded together, in one transaction; the
rest (stragglers) go on as tasks, recorded as they finish, while later batches are sent."""
IN_FLIGHT = 4 * BATCH
"""At most this many sends at once; a channel with ``BATCH`` in flight gets no more until some
finish (it may pass that by less than one batch), so a dead platform holds up only itself."""
SEND_SHARE = 0.75
"""The share of the lease one send may take (look-up included): past it, it is given up as of
unknown outcome, so it is recorded while its lease still holds and no one else takes it."""
GRACE_S = 10.0


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
        grace_s: float = GRACE_S,
    ) -> None:
        self._store = store
        self._on_settled: Callable[[list[Settled]], Awaitable[None]] | None = None
        self._adapters = adapters
        self._metrics = metrics
        self._max_attempts = max_attempts
        self._base = base_delay
        self._cap = max_delay
        self._lease = timedelta(seconds=lease_s)
        self._send_limit = lease_s * SEND_SHARE
        self._grace = grace_s
        self._flying: dict[asyncio.Task[Settled], Channel] = {}
        self._unsure_wait = timedelta(seconds=unsure_wait_s)
        self._others = [c.value for c in Channel if only is not None and c not in only]
        self._loop = WorkerLoop(
            "delivery", self._step, full=BATCH, idle_s=IDLE_POLL_S, grace_s=grace_s
        )

    def wake(self) -> None:
        """Something was queued."""
        self._loop.wake()

    def start(self) -> None:
        """Start the worker loop."""
        self._loop.start()

    async def stop(self) -> None:
        """Let sends in flight finish (up to a grace period), record them, then stop. One still
        running then is left under its lease: the next start takes it as interrupted."""
        clock = asyncio.get_running_loop().time
        began = clock()
        await self._loop.stop()
        flying = list(self._flying)
        left = self._grace - (clock() - began)
        if flying and left > 0:
            await asyncio.wait(flying, timeout=left)
        for task in flying:
            task.cancel()  # a no-op for those done
        await asyncio.gather(*flying, return_exceptions=True)
        try:
            await self._settle_done()
        except Exception:  # those sends stay leased: the next start takes them as interrupted
            log.exception("recording the last sends failed")

    async def run_once(self) -> int:
        """One turn, as a command takes it: send the due items and wait until every send in
        flight is recorded; returns how many items were taken."""
        taken = await self._step()
        while self._flying:
            await asyncio.wait(list(self._flying))
            await self._settle_done()
        return taken

    async def _step(self) -> int:
        """The worker's turn: send a batch of due items at once, record together those done
        within a moment (and any earlier stragglers done by then), and leave the rest running.
        A channel whose connection another process holds (standby here) is left to that one,
        and with ``only`` (a command that sends e-mail now), every other channel to the bot."""
        started = [self._start(i) for i in await self._claim()]
        if started:
            _, slow = await asyncio.wait(started, timeout=QUICK_S)
            for task in slow:  # recorded by a later turn, which its end brings on
                task.add_done_callback(lambda _: self._loop.wake())
        await self._settle_done()
        return len(started)

    async def _claim(self) -> list[DueItem]:
        """Lease due items, as many as the sends in flight leave room for."""
        room = min(BATCH, IN_FLIGHT - len(self._flying))
        if room <= 0:
            return []
        standby = [c.value for c, a in self._adapters.items() if a.state is ChannelState.STANDBY]
        busy = [c.value for c, n in Counter(self._flying.values()).items() if n >= BATCH]
        skip = [*standby, *self._others, *busy]
        return await self._store.outbox.claim(limit=room, lease=self._lease, skip=skip)

    def _start(self, item: DueItem) -> asyncio.Task[Settled]:
        task = asyncio.create_task(self._send(item), name=f"send outbox item {item.id}")
        self._flying[task] = item.channel
        return task

    async def _settle_done(self) -> None:
        """Record every finished send together (one cancelled stays leased: it is not done)."""
        done = [t for t in self._flying if t.done()]
        for task in done:
            del self._flying[task]
        outcomes = [t.result() for t in done if not t.cancelled()]
        if outcomes:
            await self._store.outbox.settle(outcomes=outcomes)
            await self._told(outcomes)

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
        deadline = asyncio.timeout(self._send_limit)
        try:
            async with deadline:
                if adapter is None:
                    raise SendError(f"channel {item.channel.value} is not connected")
                verdict = await self._look_up(adapter, item)
                if verdict:
                    log.info("outbox item %s was delivered after all, as %s", item.id, verdict)
                    return self._sent(item, verdict, maybe_twice=False)
                platform_id = await adapter.send(item.message)
        except TimeoutError as exc:
            if not deadline.expired():
                return self._failed(item, SendError(repr(exc)))
            late = SendError(f"no answer within {self._send_limit:g} s", unknown=True)
            return self._unsure(item, late, blind=item.unsure > 0 and verdict is None)
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
