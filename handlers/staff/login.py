"""Logging in: throttling after repeated failures (with a known device's own allowance),
argon2 verification, a fresh session id."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from handlers.staff.passwords import Passwords
from models.store import Store
from models.store.staff.facade import StaffView
from models.store.staff.login_attempts import Claim, FailureCounts, Lane


@dataclass(frozen=True)
class Throttle:
    """How many failed logins within ``window`` (sliding) before further attempts are refused:
    ``per_account`` from strangers for one e-mail address, ``per_address`` from strangers at one
    client address, and ``per_device`` from a browser that has signed in to the account before.
    A known device has its own allowance, so strangers guessing never lock its owner out; once
    it is used up the device counts as a stranger."""

    per_account: int = 5
    per_address: int = 50
    per_device: int = 5
    window: timedelta = timedelta(minutes=15)

    def lane(self, counts: FailureCounts) -> Lane | None:
        """Whose allowance the next attempt uses; None when none is left (refused)."""
        if counts.device is not None and counts.device < self.per_device:
            return "device"
        if counts.account < self.per_account and counts.address < self.per_address:
            return "stranger"
        return None


@dataclass(frozen=True)
class LoginOutcome:
    """What became of a login attempt; ``token`` is the new session id when ``ok``."""

    result: Literal["ok", "wrong", "throttled"]
    staff: StaffView | None = None
    token: str = ""


def normal_email(email: str) -> str:
    """An e-mail address as accounts and login counts key it."""
    return email.strip().lower()[:255]


def token_hash(token: str) -> str:
    """What the store keeps of a session id: its SHA-256, so a database leak opens no session."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Login:
    """The login use case."""

    store: Store
    passwords: Passwords
    throttle: Throttle

    async def attempt(
        self, *, email: str, password: str, ip: str, device: str, now: datetime
    ) -> LoginOutcome:
        """Admit the attempt (counted as a failure while it is checked), then check the
        password; a success starts a new session. ``device``: the browser's known-device id for
        this account ('' if none)."""
        email = normal_email(email)
        window = self.throttle.window
        ask = Claim(email=email, ip=ip, device=device, now=now, since=now - window, keep=window * 4)
        attempt = await self.store.staff.claim_login(ask=ask, admit=self.throttle.lane)
        if attempt is None:
            return LoginOutcome("throttled")
        staff = await self._check(email, password)
        if staff is None:
            reason = "wrong password or unknown or disabled account"
            await self.store.staff.login_failed(
                attempt=attempt.id, email=email, ip=ip, reason=reason
            )
            return LoginOutcome("wrong")
        await self.store.staff.login_succeeded(attempt=attempt)
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
        await self.store.staff.start_session(
            staff_id=staff.id, token_hash=token_hash(token), now=now, ip=ip
        )
        return LoginOutcome("ok", staff, token)
