"""Widget sessions (``store.sessions``): issued by the server, checked and rate-limited per
session and per client address with small counters in the store, so processes sharing one
database agree. Ids are 192 random bits; only their SHA-256 is stored. Concurrent checks share
one transaction (see batcher.py), so the limits cost the store little."""

from __future__ import annotations

import enum
import hashlib
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, insert, update
from sqlalchemy.engine import Connection

from bot.events import utcnow
from models.store.batcher import Batcher
from models.store.runner import Runner
from models.store.session_admit import Ask, add_counts, admit_many
from models.store.session_tables import WidgetSession

BATCH = 256


class Admission(enum.StrEnum):
    """What became of a request made with a session."""

    OK = "ok"
    UNKNOWN = "unknown"
    THROTTLED = "throttled"


@dataclass(frozen=True)
class Limits:
    """Requests allowed per minute: per session, per address, new sessions per address."""

    per_session: int
    per_address: int
    new_per_address: int
    lifetime: timedelta


def digest(value: str) -> str:
    """The stored form of a session id or address."""
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


class SessionStore:
    """Issue, admit and end widget sessions."""

    def __init__(self, *, durable: Runner, fast: Runner) -> None:
        self._durable = durable  # an issued session must survive a crash
        self._fast = fast  # counters and sliding expiry: harmless to lose
        self._admits: Batcher[Ask, str] = Batcher(self._admit_batch, limit=BATCH)

    async def issue(self, *, address: str, limits: Limits) -> str | None:
        """A new session id, or None when this address made too many lately."""
        token = secrets.token_urlsafe(24)
        made = await self._durable.write(_issue, digest(token), address=address, limits=limits)
        return token if made else None

    async def admit(self, *, session: str, address: str, limits: Limits) -> Admission:
        """Count one request; whether the session is live and within its limits."""
        ask = Ask(
            session=digest(session),
            address="a:" + digest(address)[:40],
            per_session=limits.per_session,
            per_address=limits.per_address,
            lifetime=limits.lifetime,
        )
        return Admission(await self._admits.submit(ask))

    async def end(self, *, session: str) -> bool:
        """End a session ("end this conversation on this computer"); False if it was not live."""
        return await self._durable.write(_end, digest(session))

    async def _admit_batch(self, asks: list[Ask]) -> list[str]:
        return await self._fast.write(admit_many, asks)


def _issue(conn: Connection, key: str, *, address: str, limits: Limits) -> bool:
    counter = "n:" + digest(address)[:40]
    if add_counts(conn, Counter([counter]))[counter] > limits.new_per_address:
        return False
    now = utcnow()
    conn.execute(delete(WidgetSession).where(WidgetSession.expires_at < now))
    conn.execute(
        insert(WidgetSession).values(
            digest=key, created_at=now, expires_at=now + limits.lifetime, ended_at=None
        )
    )
    return True


def _end(conn: Connection, key: str) -> bool:
    live = WidgetSession.digest == key, WidgetSession.ended_at.is_(None)
    return bool(conn.execute(update(WidgetSession).where(*live).values(ended_at=utcnow())).rowcount)
