"""Making failures visible: responses counted by route template and status, and client errors
answered as JSON (or a short page for a browser's form) with one log line, never a traceback."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from html import escape

from prometheus_client import CollectorRegistry, Counter
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.web.body import BadRequest, error
from bot.web.security import FramePolicy, security_headers
from bot.web.staff_body import STAFF_PATHS
from handlers.topic_names import first_upper

log = logging.getLogger("bot.web")


def route_template(routes: Sequence[BaseRoute], scope: Scope) -> str:
    """The path template of the route that serves ``scope`` ('unmatched' when none does)."""
    partial = ""
    for route in routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return str(getattr(route, "path", "other")) or "/"
        if match is Match.PARTIAL and not partial:
            partial = str(getattr(route, "path", "other"))
    return partial or "unmatched"


class ResponseCounter:
    """ASGI middleware: counts every HTTP response by route template and status code."""

    def __init__(self, app: ASGIApp, *, routes: Sequence[BaseRoute], registry: CollectorRegistry):
        self.app = app
        self.routes = routes
        self.counter = Counter(
            "feedbot_http_responses",
            "HTTP responses by route template and status",
            ["route", "status"],
            registry=registry,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = [500]

        async def counting_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, counting_send)
        finally:
            self.counter.labels(self._template(scope), str(status[0])).inc()

    def _template(self, scope: Scope) -> str:
        """The route the router chose (it notes it in the scope), else matched again here."""
        route = scope.get("route")
        if route is not None and hasattr(route, "path"):
            return str(route.path) or "/"
        return route_template(self.routes, scope)


async def client_error(request: Request, exc: Exception) -> Response:
    """A 4xx for the client's mistake: one log line, JSON unless a browser asked for a page."""
    status, message = _status_and_message(exc)
    log.info("%s %s -> %d: %s", request.method, request.url.path, status, message)
    if "text/html" in request.headers.get("accept", "") and request.method in ("GET", "POST"):
        page = _page(status, message, request.method, request.url.path)
        return HTMLResponse(page, status_code=status)
    return error(status, message)


def _status_and_message(exc: Exception) -> tuple[int, str]:
    if isinstance(exc, BadRequest):
        return exc.status, str(exc)
    assert isinstance(exc, HTTPException)
    return exc.status_code, exc.detail


def _page(status: int, message: str, method: str, path: str) -> str:
    """A minimal, readable error page for a browser: a form post that was refused, or an
    address that leads nowhere (no script, escaped message); staff addresses lead back to the
    inbox, the rest to the feedback page."""
    if method == "POST":
        title = "Not sent"
    else:
        title = "Page not found" if status == 404 else "Not available"
        message = "There is no page at this address." if message == "Not Found" else message
    back = (
        '<a href="/inbox/">Back to the staff inbox</a>'
        if path.startswith(STAFF_PATHS)
        else '<a href="/widget/">Back to the feedback page</a>'
    )
    return (
        '<!doctype html><html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="stylesheet" href="/static/inbox.css">'
        f"<title>{title}</title></head><body><main><h1>{title}</h1>"
        f"<p>{escape(first_upper(message))}</p>"
        f"<p>{back}</p></main></body></html>"
    )


async def server_error(request: Request, exc: Exception) -> Response:
    """Our mistake: a short answer with no traceback, and the security headers every response
    carries (Starlette sends this from outside the middleware that adds them; never framed)."""
    response = error(500, "something went wrong on our side; it has been logged")
    response.headers.update(dict(security_headers(request.url.path, FramePolicy())))
    response.headers["cache-control"] = "no-store"
    return response


EXCEPTION_HANDLERS = {
    BadRequest: client_error,
    HTTPException: client_error,
    Exception: server_error,
}
