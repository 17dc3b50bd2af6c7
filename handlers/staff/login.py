"""Logging in: throttling after repeated failures, argon2 verification, a fresh session id."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from handlers.staff.passwords import Passwords
from models.store import Store
from models.store.staff import StaffView


@dataclass(frozen=True)
class Throttle:
    """After ``per_email`` failures for one address (or ``per_ip`` from one address) within
    ``window``, further attempts are refused until the window has passed."""

    per_email: int = 5
    per_ip: int = 50
    window: timedelta = timedelta(minutes=15)

    def blocks(self, by_email: int, by_ip: int) -> bool:
        """True when the failures seen so far mean no more tries for now."""
        return by_email >= self.per_email or by_ip >= self.per_ip


@dataclass(frozen=True)
class LoginOutcome:
    """What became of a login attempt; ``token`` is the new session id when ``ok``."""

    result: Literal["ok", "wrong", "throttled"]
    staff: StaffView | None = None
    token: str = ""


def token_hash(token: str) -> str:
    """What the store keeps of a session id: its SHA-256, so a database leak opens no session."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Login:
    """The login use case."""

    store: Store
    passwords: Passwords
    throttle: Throttle

    async def attempt(self, *, email: str, password: str, ip: str, now: datetime) -> LoginOutcome:
        """Check throttling, then the password; a success starts a new session."""
        email = email.strip().lower()[:255]
        since = now - self.throttle.window
        by_email, by_ip = await self.store.staff.failed_logins(email=email, ip=ip, since=since)
        if self.throttle.blocks(by_email, by_ip):
            await self._failed(email, ip, now, "throttled")
            return LoginOutcome("throttled")
        staff = await self._check(email, password)
        if staff is None:
            await self._failed(email, ip, now, "wrong password or unknown or disabled account")
            return LoginOutcome("wrong")
        return await self._start(staff, ip, now)

    async def _check(self, email: str, password: str) -> StaffView | None:
        found = await self.store.staff.credentials(email=email)
        stored = found[1] if found else ""
        if not await self.passwords.verify(stored, password) or found is None or found[0].disabled:
            return None
        if self.passwords.needs_rehash(stored):
            new_hash = await self.passwords.rehash(password)
            await self.store.staff.rehash(staff_id=found[0].id, password_hash=new_hash)
        return found[0]

    async def _start(self, staff: StaffView, ip: str, now: datetime) -> LoginOutcome:
        token = secrets.token_urlsafe(32)
        await self.store.staff.clear_failed_logins(email=staff.email)
        await self.store.staff.start_session(
            staff_id=staff.id, token_hash=token_hash(token), now=now, ip=ip
        )
        return LoginOutcome("ok", staff, token)

    async def _failed(self, email: str, ip: str, now: datetime, reason: str) -> None:
        await self.store.staff.record_failed_login(
            email=email, ip=ip, now=now, keep=self.throttle.window * 4, reason=reason
        )
