"""Who is asking: the signed staff-session cookie, checked against the server-side session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

from itsdangerous import BadSignature, URLSafeSerializer
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.events import utcnow
from handlers.staff.login import token_hash
from models.store import Store
from models.store.staff.facade import StaffView

COOKIE = "feedbot_staff"
SCOPE_KEY = "feedbot.staff"


@dataclass(frozen=True)
class SessionCookie:
    """Signs, reads and sets the cookie that carries only the random session id."""

    secret: bytes
    secure: bool

    @property
    def _signer(self) -> URLSafeSerializer:
        return URLSafeSerializer(self.secret, salt="feedbot-staff-session")

    def token(self, request: Request) -> str | None:
        """The session id in the request's cookie, if its signature holds."""
        raw = request.cookies.get(COOKIE, "")
        try:
            value = self._signer.loads(raw) if raw else None
        except BadSignature:
            return None
        return value if isinstance(value, str) else None

    def set(self, response: Response, token: str) -> None:
        """Put a new session id on the response (HttpOnly, SameSite=Lax, Secure on https)."""
        response.set_cookie(
            COOKIE,
            self._signer.dumps(token),
            httponly=True,
            samesite="lax",
            secure=self.secure,
            path="/",
        )

    def clear(self, response: Response) -> None:
        """Remove the cookie."""
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax", secure=self.secure)


@dataclass(frozen=True)
class Sessions:
    """Resolves a request to the logged-in member of staff, or refuses it."""

    store: Store
    cookie: SessionCookie
    idle: timedelta
    lifetime: timedelta

    async def staff(self, request: Request) -> StaffView | None:
        """The member of staff behind the request's live session, if any."""
        token = self.cookie.token(request)
        if token is None:
            return None
        return await self.store.staff.resume_session(
            token_hash=token_hash(token), now=utcnow(), idle=self.idle, lifetime=self.lifetime
        )


def wants_json(request: Request) -> bool:
    """True for a JSON client (Accept or Content-Type says JSON, and not HTML)."""
    accept = request.headers.get("accept", "")
    sends = request.headers.get("content-type", "")
    return ("json" in accept and "text/html" not in accept) or sends.startswith("application/json")


def refuse(request: Request) -> Response:
    """No valid session: 401 for JSON clients, else 303 to the login page, and back to this
    page with its filters after (a link from an alert or the digest keeps its query)."""
    if wants_json(request):
        return JSONResponse({"error": "log in first"}, status_code=401)
    query = f"?{request.url.query}" if request.url.query else ""
    back = request.url.path + query if request.method == "GET" else "/inbox/"
    return RedirectResponse(f"/inbox/login?next={quote(back)}", status_code=303)


def safe_next(value: str) -> str:
    """Where to go after login: only our own staff pages, never another site."""
    if value.startswith(("/inbox/", "/digests/")) and "//" not in value and "\\" not in value:
        return value
    return "/inbox/"


class StaffGate:
    """Every /inbox and /digests request but the login page needs a live session; the member
    of staff is put on the request for the page (``staff_of``)."""

    def __init__(self, app: ASGIApp, *, sessions: Sessions) -> None:
        self.app = app
        self.sessions = sessions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not gated(scope["path"]):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        staff = await self.sessions.staff(request)
        if staff is None:
            await refuse(request)(scope, receive, send)
            return
        scope[SCOPE_KEY] = staff
        await self.app(scope, receive, send)


def gated(path: str) -> bool:
    """Staff pages: everything under /inbox and /digests except the login page itself."""
    staff_area = path in ("/inbox", "/digests") or path.startswith(("/inbox/", "/digests/"))
    return staff_area and path != "/inbox/login"


def staff_of(request: Request) -> StaffView:
    """The logged-in member of staff (the gate has checked)."""
    staff: StaffView = request.scope[SCOPE_KEY]
    return staff
