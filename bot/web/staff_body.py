"""The size cap on staff-page request bodies, applied before the CSRF check (which reads a
form's whole body to find its token): a body declared larger than the cap, or a chunked one
that grows past it, is refused with 413 there and then; a body within it is read once (at most
the cap) and handed on whole. A form that no staff page could read (not UTF-8, or multipart,
which the pages never send) is refused there too (400, 415), before the CSRF check parses it."""

from __future__ import annotations

import enum

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.web.body import whole_number
from bot.web.forms import FORM_CAP
from bot.web.staff_session import wants_json

STAFF_PATHS = ("/inbox", "/digests")
TOO_LARGE_PAGE = (
    '<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Form too large</title>'
    '<link rel="stylesheet" href="/static/inbox.css"></head><body><main>'
    "<h1>This form is too large</h1><p>Nothing was changed. Forms on the staff pages may be at"
    " most {kib} KiB; shorten the text and try again.</p>"
    '<p><a href="/inbox/">Back to the queue</a></p></main></body></html>'
)
UNREADABLE_PAGE = (
    '<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Form not readable</title>'
    '<link rel="stylesheet" href="/static/inbox.css"></head><body><main>'
    "<h1>This form could not be read</h1><p>Nothing was changed: {reason}. Reload the page and"
    ' try again.</p><p><a href="/inbox/">Back to the queue</a></p></main></body></html>'
)
FORM_TYPE = "application/x-www-form-urlencoded"


class Refused(enum.Enum):
    """Why a body was not read: over the cap, or the client went away first."""

    TOO_LARGE = "too large"
    GONE = "gone"


class StaffBodyCap:
    """Refuses a staff request whose body is over ``cap`` bytes (413) before the apps inside
    it read any of it; other paths pass untouched."""

    def __init__(self, app: ASGIApp, *, cap: int = FORM_CAP) -> None:
        self.app = app
        self.cap = cap

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope["path"]).startswith(STAFF_PATHS):
            await self.app(scope, receive, send)
            return
        body = await self._read(Request(scope), receive)
        if body is Refused.TOO_LARGE:
            await too_large(Request(scope), self.cap)(scope, receive, send)
        elif isinstance(body, bytes) and (problem := unreadable(Request(scope), body)):
            await refused(Request(scope), *problem)(scope, receive, send)
        elif isinstance(body, bytes):
            await self.app(scope, replay(body, receive), send)

    async def _read(self, request: Request, receive: Receive) -> bytes | Refused:
        """The whole body, unless it is declared or grows larger than the cap (or the client
        went away: nobody to answer)."""
        declared = whole_number(request.headers.get("content-length", ""), digits=30)
        if declared is not None and declared > self.cap:
            return Refused.TOO_LARGE
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return Refused.GONE
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.cap:
                return Refused.TOO_LARGE
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def too_large(request: Request, cap: int) -> Response:
    """413: a JSON error for a JSON client, else a page saying nothing was changed."""
    headers = {"cache-control": "no-store", "connection": "close"}
    message = f"the request body is larger than {cap // 1024} KiB"
    if wants_json(request):
        return JSONResponse({"error": message}, status_code=413, headers=headers)
    page = TOO_LARGE_PAGE.format(kib=cap // 1024)
    return Response(page, status_code=413, media_type="text/html", headers=headers)


def unreadable(request: Request, body: bytes) -> tuple[int, str] | None:
    """(status, reason) when the body cannot be a staff form: multipart, or a form not in UTF-8."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "multipart/form-data":
        return 415, "staff forms are sent URL-encoded, not as multipart"
    if kind == FORM_TYPE:
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return 400, "the form is not UTF-8"
    return None


def refused(request: Request, status: int, reason: str) -> Response:
    """A 4xx for an unreadable form: a JSON error for a JSON client, else a page."""
    headers = {"cache-control": "no-store"}
    if wants_json(request):
        return JSONResponse({"error": reason}, status_code=status, headers=headers)
    page = UNREADABLE_PAGE.format(reason=reason)
    return Response(page, status_code=status, media_type="text/html", headers=headers)


def replay(body: bytes, receive: Receive) -> Receive:
    """A receive channel that hands over the body read already, then the client's own."""
    sent = False

    async def again() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return again
