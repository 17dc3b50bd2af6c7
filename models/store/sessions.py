"""Widget sessions (``store.sessions``): issued by the server, checked and rate-limited per
session and per client address with small counters in the store, so processes sharing one
database agree. Ids are 192 random bits; only their SHA-256 is stored."""

from __future__ import annotations

import enum
import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from bot.events import utcnow
from models.store.runner import Runner
from models.store.session_tables import RateCounter, WidgetSession

WINDOW_S = 60


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

    async def issue(self, *, address: str, limits: Limits) -> str | None:
        """A new session id, or None when this address made too many lately."""
        token = secrets.token_urlsafe(24)
        made = await self._durable.write(_issue, digest(token), address=address, limits=limits)
        return token if made else None

    async def admit(self, *, session: str, address: str, limits: Limits) -> Admission:
        """Count one request; whether the session is live and within its limits."""
        return await self._fast.write(_admit, digest(session), address=address, limits=limits)

    async def end(self, *, session: str) -> bool:
        """End a session ("end this conversation on this computer"); False if it was not live."""
        return await self._durable.write(_end, digest(session))


def _issue(conn: Connection, key: str, *, address: str, limits: Limits) -> bool:
    if _hit(conn, "n:" + digest(address)[:40]) > limits.new_per_address:
        return False
    now = utcnow()
    conn.execute(delete(WidgetSession).where(WidgetSession.expires_at < now))
    conn.execute(
        insert(WidgetSession).values(
            digest=key, created_at=now, expires_at=now + limits.lifetime, ended_at=None
        )
    )
    return True


def _admit(conn: Connection, key: str, *, address: str, limits: Limits) -> Admission:
    now = utcnow()
    live = WidgetSession.digest == key, WidgetSession.ended_at.is_(None)
    found = conn.execute(
        select(WidgetSession.digest).where(*live, WidgetSession.expires_at > now)
    ).first()
    by_address = _hit(conn, "a:" + digest(address)[:40])
    if found is None:
        return Admission.THROTTLED if by_address > limits.per_address else Admission.UNKNOWN
    if by_address > limits.per_address or _hit(conn, "s:" + key[:40]) > limits.per_session:
        return Admission.THROTTLED
    conn.execute(update(WidgetSession).where(*live).values(expires_at=now + limits.lifetime))
    return Admission.OK


def _end(conn: Connection, key: str) -> bool:
    live = WidgetSession.digest == key, WidgetSession.ended_at.is_(None)
    return bool(conn.execute(update(WidgetSession).where(*live).values(ended_at=utcnow())).rowcount)


def _hit(conn: Connection, key: str) -> int:
    """Count one request for ``key`` in the current window; the count so far, this one included."""
    window = int(time.time()) // WINDOW_S
    module = sqlite if conn.dialect.name == "sqlite" else postgresql
    stmt = module.insert(RateCounter).values(key=key, window=window, count=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=["key", "window"], set_={"count": RateCounter.count + 1}
    ).returning(RateCounter.count)
    count = int(conn.execute(stmt).scalar_one())
    if count == 1 and key.startswith("a:"):
        conn.execute(delete(RateCounter).where(RateCounter.window < window - 1))
    return count
