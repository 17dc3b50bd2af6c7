"""Widget sessions (``store.sessions``): issued by the server, checked and rate-limited per
session, per client address and per poll. Ids are 192 random bits; only their SHA-256 is
stored, and addresses only as a keyed hash.

Nothing on a request's path writes to the store but issuing and ending a session: a session
found live is trusted for ``recheck_s`` seconds (ending it here is seen at once, elsewhere
within that time), limits are sliding windows in memory (rate_window.py), and once a second a
background sync shares the counts with the other processes on the database and slides the
expiry of the sessions used."""

from __future__ import annotations

import asyncio
import enum
import hashlib
import hmac
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, update
from sqlalchemy.engine import Connection

from bot.events import utcnow
from models.store.runner import Runner
from models.store.widget.admit import expiries, share
from models.store.widget.batcher import Batcher
from models.store.widget.rate_window import Windows
from models.store.widget.tables import WidgetSession

log = logging.getLogger(__name__)
BATCH = 256
RECHECK_S = 5.0
SYNC_S = 1.0
RENEW_AFTER = timedelta(minutes=1)  # a used session's expiry is slid at most once a minute
KNOWN_MAX = 50_000  # sessions remembered before the stale ones are forgotten


class Admission(enum.StrEnum):
    """What became of a request made with a session."""

    OK = "ok"
    UNKNOWN = "unknown"
    THROTTLED = "throttled"


@dataclass(frozen=True)
class Limits:
    """Requests allowed in any minute: per session, per address, new sessions per address,
    votes per address on one poll; and a session's idle lifetime."""

    per_session: int
    per_address: int
    new_per_address: int
    lifetime: timedelta
    votes_per_poll: int = 20


@dataclass
class _Known:
    checked: float  # time.monotonic() of the store read
    expires: datetime | None  # None: not issued, or ended


def digest(value: str) -> str:
    """The stored form of a session id."""
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


class SessionStore:
    """Issue, admit and end widget sessions; count votes per address and poll."""

    def __init__(
        self,
        *,
        durable: Runner,
        fast: Runner,
        key: bytes = b"",
        recheck_s: float = RECHECK_S,
        sync_s: float = SYNC_S,
    ) -> None:
        self._durable = durable  # an issued or ended session must survive a crash
        self._fast = fast  # counters and sliding expiry: harmless to lose
        self._key = key
        self._recheck_s, self._sync_s = recheck_s, sync_s
        self._windows = Windows()
        self._known: dict[str, _Known] = {}
        self._renew: dict[str, timedelta] = {}
        self._used: set[str] = set()  # sessions admitted since the last sync
        self._lookups: Batcher[str, datetime | None] = Batcher(self._look_up, limit=BATCH)
        self._task: asyncio.Task[None] | None = None
        self._synced = 0.0

    def origin(self, address: str) -> str:
        """A network address as kept: a keyed hash, the same on every process with the key."""
        return hmac.new(self._key, f"address:{address}".encode(), hashlib.sha256).hexdigest()[:32]

    async def issue(self, *, address: str, limits: Limits) -> str | None:
        """A new session id, or None when this address made too many lately."""
        if not self._take([(f"n:{self.origin(address)}", limits.new_per_address)]):
            return None
        token = secrets.token_urlsafe(24)
        await self._durable.write(_issue, digest(token), lifetime=limits.lifetime)
        return token

    async def admit(self, *, session: str, address: str, limits: Limits) -> Admission:
        """Count one request; whether the session is live and within its limits."""
        key, now = digest(session), utcnow()
        expires = await self._expiry(key)
        by_address = (f"a:{self.origin(address)}", limits.per_address)
        if expires is None or expires <= now:
            return Admission.UNKNOWN if self._take([by_address]) else Admission.THROTTLED
        if not self._take([by_address, (f"s:{key[:40]}", limits.per_session)]):
            return Admission.THROTTLED
        self._used.add(key)
        if expires < now + limits.lifetime - RENEW_AFTER:
            self._renew[key] = limits.lifetime
            self._known[key] = _Known(time.monotonic(), now + limits.lifetime)
        return Admission.OK

    def take_vote(self, *, address: str, poll_id: int, limits: Limits) -> str | None:
        """Count a vote from this address on this poll; its origin (the address as kept), or
        None when the address voted on it too often in the last minute."""
        origin = self.origin(address)
        return origin if self._take([(f"v:{poll_id}:{origin}", limits.votes_per_poll)]) else None

    async def end(self, *, session: str) -> bool:
        """End a session ("end this conversation on this computer"); False if it was not live."""
        key = digest(session)
        self._known[key] = _Known(time.monotonic(), None)
        return await self._durable.write(_end, key)

    async def flush(self) -> None:
        """Share this process's new counts and renewals now; read the others' counts, and
        check again the sessions in use that are about to need it (off the requests' path)."""
        adds, renew, self._renew = self._windows.unsent(), self._renew, {}
        now = self._synced = time.monotonic()
        due = self._recheck_s - 2 * self._sync_s
        used, self._used = self._used, set()
        recheck = sorted(k for k in used if k in self._known and now - self._known[k].checked > due)
        since = self._windows.first_slot()
        totals, found = await self._fast.write(
            share, adds, self._windows.active(), since, renew, recheck
        )
        self._windows.merge(totals)
        self._remember(found, now)

    async def close(self) -> None:
        """Share what is left and stop syncing."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        if self._windows.pending() or self._renew:
            self._used.clear()
            try:
                await self.flush()
            except Exception as exc:  # noqa: BLE001 - closing; counts are cheap to lose
                log.warning("widget rate counts not shared at close: %s", exc)

    def _take(self, asks: list[tuple[str, int]]) -> bool:
        """Count against the sliding windows; the sync will share it."""
        taken = self._windows.take(asks)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._sync(), name="session-sync")
        return taken

    async def _sync(self) -> None:
        """Flush at most once per ``sync_s`` while there is anything to share."""
        while self._windows.pending() or self._renew or self._used:
            await asyncio.sleep(max(0.0, self._synced + self._sync_s - time.monotonic()))
            try:
                await self.flush()
            except Exception as exc:  # noqa: BLE001 - counts are cheap to lose; try again
                log.warning("widget rate counts not shared: %s", exc)

    async def _expiry(self, key: str) -> datetime | None:
        """The session's expiry if issued and not ended: remembered, or read from the store."""
        known = self._known.get(key)
        fresh = known is not None and time.monotonic() - known.checked < self._recheck_s
        if known is not None and fresh and (known.expires is None or known.expires > utcnow()):
            return known.expires
        return await self._lookups.submit(key)

    async def _look_up(self, keys: list[str]) -> list[datetime | None]:
        """Read a batch of sessions (on the ingest lane, ahead of background work)."""
        started = time.monotonic()
        found = await self._durable.read(expiries, sorted(set(keys)))
        if len(self._known) > KNOWN_MAX:
            self._forget(time.monotonic())
        self._remember(found, started)
        return [found[k] for k in keys]

    def _remember(self, found: dict[str, datetime | None], read_at: float) -> None:
        """Keep what a read found, unless this process learnt something newer meanwhile (the
        session ended or renewed here while the read was on its way)."""
        for key, expires in found.items():
            known = self._known.get(key)
            if known is None or known.checked <= read_at:
                self._known[key] = _Known(read_at, expires)

    def _forget(self, now: float) -> None:
        """Drop sessions not checked lately."""
        stale = [k for k, v in self._known.items() if now - v.checked >= self._recheck_s]
        for k in stale:
            del self._known[k]


def _issue(conn: Connection, key: str, *, lifetime: timedelta) -> None:
    now = utcnow()
    conn.execute(delete(WidgetSession).where(WidgetSession.expires_at < now))
    conn.execute(
        insert(WidgetSession).values(
            digest=key, created_at=now, expires_at=now + lifetime, ended_at=None
        )
    )


def _end(conn: Connection, key: str) -> bool:
    live = WidgetSession.digest == key, WidgetSession.ended_at.is_(None)
    return bool(conn.execute(update(WidgetSession).where(*live).values(ended_at=utcnow())).rowcount)
