"""One process per platform connection that only one may hold (Telegram's getUpdates long
poll, Slack's Socket Mode, X's polling of mentions and DMs): the adapter runs while this
process holds the lease ``connection.<channel>`` in the store, renewed every third of its
length. A process without it stands by (state "standby" on /healthz, its outbox for that
channel left to the holder) and starts the adapter once the holder stops renewing: after a
clean stop at once, after a crash within one lease length. A holder that cannot renew stops
its connection a renewal before its lease would lapse, so two processes never poll at once.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from starlette.routing import BaseRoute

from bot.adapters.base import Adapter
from bot.channel import ChannelState, EventSink, SendError, SendLookup
from bot.events import OutboundMessage, utcnow
from models.store.jobs.leases import Leases

log = logging.getLogger(__name__)


def process_name() -> str:
    """This process's name as a lease holder: host, pid and a random part (pids are reused)."""
    return f"{socket.gethostname()[:80]}:{os.getpid()}:{secrets.token_hex(4)}"


class Exclusive:
    """An adapter whose connection is held by one process at a time (see the module)."""

    def __init__(
        self,
        inner: Adapter,
        leases: Leases,
        *,
        holder: str,
        ttl: timedelta,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.inner = inner
        self.channel = inner.channel
        self.capabilities = inner.capabilities
        self.lease = f"connection.{inner.channel.value}"
        self.exclusive_connection = inner.exclusive_connection
        self._leases = leases
        self._holder = holder
        self._ttl = ttl
        self._renew = ttl / 3
        self._clock = clock
        self._sink: EventSink | None = None
        self._task: asyncio.Task[None] | None = None
        self._until: datetime | None = None
        self._running = False

    @property
    def holding(self) -> bool:
        """True while this process holds the connection."""
        return self._running

    @property
    def state(self) -> ChannelState:
        """The adapter's state while holding; STANDBY otherwise (STOPPED once stopped)."""
        if self._running:
            return self.inner.state
        return ChannelState.STANDBY if self._task is not None else ChannelState.STOPPED

    @property
    def detail(self) -> str:
        """One line for /healthz."""
        if self._running or self._task is None:
            return self.inner.detail
        return "another process holds this connection; this one takes over if it stops"

    def routes(self) -> Sequence[BaseRoute]:
        """The adapter's own routes, on every process (polling X's unused webhook: 503 here)."""
        return self.inner.routes()

    async def start(self, sink: EventSink) -> None:
        """Begin taking (or waiting for) the lease in the background."""
        self._sink = sink
        self._task = asyncio.create_task(self._keep(), name=f"{self.lease}-lease")

    async def send(self, message: OutboundMessage) -> str:
        """Send through the adapter (the outbox sends a standby channel's items elsewhere)."""
        return await self.inner.send(message)

    def can_look_up(self, message: OutboundMessage) -> bool:
        """Whether the adapter can tell if an earlier attempt posted ``message``."""
        return isinstance(self.inner, SendLookup) and self.inner.can_look_up(message)

    async def look_up(self, message: OutboundMessage, *, since: datetime) -> str | None:
        """Ask the adapter whether an earlier attempt posted ``message`` (see SendLookup)."""
        if not isinstance(self.inner, SendLookup):
            raise SendError(f"{self.channel.value} cannot look for an earlier post")
        return await self.inner.look_up(message, since=since)

    async def stop(self) -> None:
        """Stop renewing, stop the adapter, and give the lease up for another to take."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        if self._running:
            await self._let_go()
            await self._leases.release(name=self.lease, holder=self._holder, now=self._clock())

    async def _keep(self) -> None:
        while True:
            await self._tick()
            await asyncio.sleep(self._renew.total_seconds())

    async def _tick(self) -> None:
        """Renew (or try to take) the lease; start or stop the adapter to match."""
        now = self._clock()
        try:
            held = await self._leases.acquire(
                name=self.lease, holder=self._holder, now=now, ttl=self._ttl
            )
        except Exception as exc:  # noqa: BLE001 - the database may be briefly unreachable
            log.warning("%s: could not renew the lease: %s", self.lease, exc)
            held = self._until is not None and now + self._renew < self._until
        else:
            self._until = now + self._ttl if held else None
        if held and not self._running:
            log.info("%s: this process (%s) holds the connection", self.lease, self._holder)
            assert self._sink is not None
            self._running = True
            await self.inner.start(self._sink)
        elif not held and self._running:
            log.warning("%s: lease lost; standing by", self.lease)
            await self._let_go()

    async def _let_go(self) -> None:
        self._running = False
        self._until = None
        await self.inner.stop()
