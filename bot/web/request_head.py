"""A request head the middlewares can read: a Cookie header that the standard library's cookie
parser refuses (not UTF-8, or a name it calls illegal, such as ``<``) is answered 400 before any
middleware parses it. asgi-csrf parses the cookies of every request, whatever the path, with
exactly that parser and does not catch its errors, so one such header made any route answer 500.
"""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send


class ReadableCookies:
    """ASGI middleware: 400 for a request whose Cookie header cannot be parsed."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not readable(scope["headers"]):
            answer = JSONResponse({"error": "the Cookie header cannot be read"}, status_code=400)
            await answer(scope, receive, send)
            return
        await self.app(scope, receive, send)


def readable(headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether every Cookie header decodes as UTF-8 and parses as cookies."""
    try:
        for name, value in headers:
            if name == b"cookie":
                SimpleCookie().load(value.decode("utf-8"))
    except (UnicodeDecodeError, CookieError):
        return False
    return True
