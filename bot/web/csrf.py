"""CSRF protection for the staff pages, by asgi-csrf (a signed double-submit cookie)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from typing import Any

from asgi_csrf import asgi_csrf  # type: ignore[import-untyped]
from starlette.middleware import Middleware
from starlette.requests import Request

STAFF_PATHS = ("/inbox", "/digests")
FAILED_PAGE = (
    b'<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Form expired</title>'
    b'<link rel="stylesheet" href="/static/inbox.css"></head><body><main>'
    b"<h1>This form has expired</h1><p>Nothing was changed. Go back, reload the page and try "
    b'again.</p><p><a href="/inbox/">Back to the queue</a></p></main></body></html>'
)


def middleware(secret: bytes, *, secure: bool) -> Middleware:
    """The CSRF check on every state-changing request under /inbox and /digests."""
    key = hmac.new(secret, b"feedbot-csrf", hashlib.sha256).hexdigest()
    return Middleware(
        asgi_csrf,  # an untyped ASGI wrapper
        signing_secret=key,
        cookie_name="feedbot_csrf",
        cookie_secure=secure,
        always_protect={"/inbox/login", "/inbox/logout"},
        skip_if_scope=_not_staff,
        send_csrf_failed=_refused,
    )


def _not_staff(scope: dict[str, Any]) -> bool:
    """Widget, webhooks and the rest have their own checks."""
    return not str(scope.get("path", "")).startswith(STAFF_PATHS)


async def _refused(scope: dict[str, Any], send: Callable[..., Any], _reason: object) -> None:
    """403 and a page that says nothing was changed."""
    headers = [(b"content-type", b"text/html; charset=utf-8"), (b"cache-control", b"no-store")]
    await send({"type": "http.response.start", "status": 403, "headers": headers})
    await send({"type": "http.response.body", "body": FAILED_PAGE})


def token(request: Request) -> str:
    """The CSRF token for this request's forms."""
    get: Callable[[], str] = request.scope["csrftoken"]
    return get()
