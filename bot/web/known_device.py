"""The known-device cookie (OWASP's "device cookie"): issued at a successful login, it lets the
same browser keep its own allowance of failed logins for that account, so a stranger guessing
the password cannot lock the account's owner out. It holds a random device id and a keyed digest
of the account's e-mail address (not the address itself), signed and dated; it opens nothing."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from itsdangerous import BadData, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

from handlers.staff.login import normal_email

COOKIE = "feedbot_device"
LIFETIME = timedelta(days=90)


@dataclass(frozen=True)
class DeviceCookie:
    """Signs, reads and sets the known-device cookie."""

    secret: bytes
    secure: bool
    lifetime: timedelta = LIFETIME

    @property
    def _signer(self) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self.secret, salt="feedbot-known-device")

    def _account(self, email: str) -> str:
        key = hmac.new(self.secret, b"feedbot-device-account", hashlib.sha256).digest()
        return hmac.new(key, normal_email(email).encode(), hashlib.sha256).hexdigest()[:32]

    def device(self, request: Request, email: str) -> str:
        """The browser's device id if its cookie is genuine, current and for this account."""
        found = self._read(request.cookies.get(COOKIE, ""))
        if found is None or not hmac.compare_digest(found[1], self._account(email)):
            return ""
        return found[0]

    def _read(self, raw: str) -> tuple[str, str] | None:
        """(device id, account digest) from a cookie value, if signed by us within its life."""
        try:
            value = self._signer.loads(raw, max_age=int(self.lifetime.total_seconds()))
        except BadData:  # absent, altered, forged or too old
            return None
        if isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value):
            return value[0], value[1]
        return None

    def set(self, response: Response, email: str) -> None:
        """A new device id for this browser and account (HttpOnly, Secure on https)."""
        value = self._signer.dumps([secrets.token_urlsafe(16), self._account(email)])
        response.set_cookie(
            COOKIE,
            value,
            max_age=int(self.lifetime.total_seconds()),
            path="/inbox/login",
            httponly=True,
            samesite="strict",
            secure=self.secure,
        )
