"""Login attempts, counted atomically: an attempt is admitted and recorded as a failure in one
transaction (so parallel guesses cannot all slip under the limit), and forgotten if the password
was right. A refused attempt writes no row: guessing while locked out does not extend the lock.

Concurrent claims for the same e-mail address, client address or device wait for each other:
on PostgreSQL by transaction-scoped advisory locks on those keys (several processes may share the
database); on SQLite the transaction starts with a write, which takes the database's write lock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.engine import Connection

from models.store.jobs import cursors
from models.store.staff.tables import LoginFailure

STRANGER = ""  # the device column of an attempt from a browser not known to the account
Lane = Literal["device", "stranger"]  # whose allowance an attempt uses


@dataclass(frozen=True)
class FailureCounts:
    """Failed attempts within the window: from strangers for the account, from strangers at the
    client address, and from this known device (None when the browser presents none)."""

    account: int
    address: int
    device: int | None


@dataclass(frozen=True)
class Attempt:
    """An admitted attempt: its row, and the known device it counts against ('' if none)."""

    id: int
    device: str


Admit = Callable[[FailureCounts], Lane | None]  # None: refused


@dataclass(frozen=True)
class Claim:
    """Who is trying to log in, and when; ``keep`` is how long failure rows are kept."""

    email: str
    ip: str
    device: str
    now: datetime
    since: datetime
    keep: timedelta


def claim(conn: Connection, ask: Claim, admit: Admit) -> Attempt | None:
    """Admit an attempt and record it as a failure for now, or refuse it (audited, not counted).

    ``admit`` is given the counts and answers whose allowance the attempt uses: the known
    device's own, the strangers' (the account's and the address's), or None for no."""
    _lock(conn, ask)
    conn.execute(delete(LoginFailure).where(LoginFailure.at < ask.now - ask.keep))  # SQLite: lock
    lane = admit(counts(conn, ask))
    if lane is None:
        detail = {"ip": ask.ip, "reason": "too many failed attempts; not checked, not counted"}
        cursors.audit(
            conn,
            actor=f"ip:{ask.ip}",
            action="login.refused",
            subject=f"email:{ask.email}",
            detail=detail,
        )
        return None
    device = ask.device if lane == "device" else STRANGER
    row = {"email": ask.email, "ip": ask.ip, "device": device, "at": ask.now}
    new = conn.execute(insert(LoginFailure).values(row).returning(LoginFailure.id)).scalar_one()
    return Attempt(int(new), device)


def counts(conn: Connection, ask: Claim) -> FailureCounts:
    """The failures within the window that the limits look at."""
    recent = LoginFailure.at >= ask.since
    stranger = LoginFailure.device == STRANGER
    account = select(func.count()).where(LoginFailure.email == ask.email, stranger, recent)
    address = select(func.count()).where(LoginFailure.ip == ask.ip, stranger, recent)
    device = select(func.count()).where(LoginFailure.device == ask.device, recent)
    return FailureCounts(
        account=int(conn.execute(account).scalar_one()),
        address=int(conn.execute(address).scalar_one()),
        device=int(conn.execute(device).scalar_one()) if ask.device else None,
    )


def _lock(conn: Connection, ask: Claim) -> None:
    """PostgreSQL: wait for other claims on the same keys (in a fixed order: no deadlock)."""
    if conn.dialect.name != "postgresql":
        return
    keys = {f"login:e:{ask.email}", f"login:i:{ask.ip}"}
    if ask.device:
        keys.add(f"login:d:{ask.device}")
    for key in sorted(keys):
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key})


def failed(conn: Connection, *, attempt: int, email: str, ip: str, reason: str) -> None:
    """Audit an attempt whose password was wrong (its row stays, counted as a failure)."""
    detail = {"ip": ip, "reason": reason, "attempt": attempt}
    cursors.audit(
        conn, actor=f"ip:{ip}", action="login.failed", subject=f"email:{email}", detail=detail
    )


def succeeded(conn: Connection, *, attempt: Attempt) -> None:
    """The password was right: the attempt was no failure, nor were the device's earlier ones
    (its owner's typos). Strangers' failures for the account stay until they age out."""
    conn.execute(delete(LoginFailure).where(LoginFailure.id == attempt.id))
    if attempt.device:
        conn.execute(delete(LoginFailure).where(LoginFailure.device == attempt.device))
