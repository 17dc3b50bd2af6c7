"""CSRF protection for the staff pages: every state-changing request under /inbox and /digests
carries a token bound to the browser's server-side staff session (an HMAC of its session id,
so it dies with the session), or, before login, to the browser's pre-login cookie. Nothing
exempts a request: not an Authorization header, not a missing cookie, not a content type."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qsl

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.web.staff_body import STAFF_PATHS, replay
from bot.web.staff_session import SessionCookie, wants_json

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
COOKIE = "feedbot_csrf"  # the pre-login cookie: a random value the login form's token is bound to
FIELD, HEADER = "csrftoken", "x-csrftoken"
SCOPE_KEY = "feedbot.csrf"
FAILED_PAGE = (
    '<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Form expired</title>'
    '<link rel="stylesheet" href="/static/inbox.css"></head><body><main>'
    "<h1>This form has expired</h1><p>Nothing was changed. Go back, reload the page and try "
    'again.</p><p><a href="/inbox/">Back to the queue</a></p></main></body></html>'
)


@dataclass
class Binding:
    """What this request's token is bound to: the staff session id in the signed session
    cookie, else the pre-login value (``fresh`` when made now, to be set as a cookie)."""

    key: bytes
    session: str | None
    prelogin: str
    fresh: bool
    issued: bool = False

    def token(self) -> str:
        """The token for this browser's forms (a fresh pre-login value is then kept)."""
        self.issued = True
        return self._expected()

    def holds(self, presented: str) -> bool:
        """Whether a presented token is this browser's (compared in constant time)."""
        expected = self._expected().encode()
        return bool(presented) and hmac.compare_digest(presented.encode(), expected)

    def _expected(self) -> str:
        if self.session is not None:
            return _mac(self.key, "session", self.session)
        return _mac(self.key, "login", self.prelogin)


def _mac(key: bytes, purpose: str, value: str) -> str:
    return hmac.new(key, f"{purpose}\0{value}".encode(), hashlib.sha256).hexdigest()


class StaffCsrf:
    """ASGI middleware: binds a token to each staff request and refuses (403) any unsafe one
    that does not carry it, in the ``x-csrftoken`` header or the form's ``csrftoken`` field."""

    def __init__(self, app: ASGIApp, *, secret: bytes, sessions: SessionCookie) -> None:
        self.app = app
        self.key = hmac.new(secret, b"feedbot-csrf", hashlib.sha256).digest()
        self.sessions = sessions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope["path"]).startswith(STAFF_PATHS):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        binding = self._bind(request)
        scope[SCOPE_KEY] = binding
        send = _setting_cookie(binding, send, secure=self.sessions.secure)
        if scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        body = await _body(receive)
        if body is None:  # the client went away: nobody to answer
            return
        if binding.holds(_presented(request, body)):
            await self.app(scope, replay(body, receive), send)
        else:
            await refused(request)(scope, receive, send)

    def _bind(self, request: Request) -> Binding:
        prelogin = request.cookies.get(COOKIE, "")
        fresh = not 20 <= len(prelogin) <= 64
        value = secrets.token_urlsafe(32) if fresh else prelogin
        return Binding(self.key, self.sessions.token(request), value, fresh)


async def _body(receive: Receive) -> bytes | None:
    """The whole body (its size already capped by StaffBodyCap outside), or None if the client
    disconnected."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _presented(request: Request, body: bytes) -> str:
    """The token the request carries: the header, else a url-encoded form's field."""
    if HEADER in request.headers:
        return request.headers[HEADER]
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        return ""
    fields = parse_qsl(body.decode("latin-1"), keep_blank_values=True, errors="replace")
    return next((value for name, value in fields if name == FIELD), "")


def _setting_cookie(binding: Binding, send: Send, *, secure: bool) -> Send:
    """``send``, adding the pre-login cookie to a page that used a fresh one."""

    async def sending(message: Message) -> None:
        wanted = binding.fresh and binding.issued and binding.session is None
        if message["type"] == "http.response.start" and wanted:
            flags = "; Secure" if secure else ""
            cookie = f"{COOKIE}={binding.prelogin}; Path=/inbox; HttpOnly; SameSite=Lax{flags}"
            MutableHeaders(scope=message).append("set-cookie", cookie)
        await send(message)

    return sending


def refused(request: Request) -> Response:
    """403: a JSON error for a JSON client, else a page saying nothing was changed."""
    headers = {"cache-control": "no-store"}
    if wants_json(request):
        error = {"error": "missing or expired CSRF token; reload the page"}
        return JSONResponse(error, status_code=403, headers=headers)
    return HTMLResponse(FAILED_PAGE, status_code=403, headers=headers)


def token(request: Request) -> str:
    """The CSRF token for this request's forms."""
    binding: Binding = request.scope[SCOPE_KEY]
    return binding.token()
