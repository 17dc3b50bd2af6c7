"""The one web server: widget, health, metrics, and the adapters' webhooks."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.adapters.base import Adapter
from bot.web import digests, health, widget, widget_polls
from bot.web.observe import EXCEPTION_HANDLERS, ResponseCounter
from bot.web.security import FramePolicy, SecurityHeaders
from bot.web.staff_body import STAFF_PATHS
from bot.web.staff_web import StaffWeb
from handlers import text_direction, topic_names
from handlers.metrics import Metrics
from models.store import Store

HERE = Path(__file__).parent
FRAMABLE = ("/widget",)


def templates() -> Jinja2Templates:
    """Jinja templates with autoescaping on (Starlette's default for .html), the ``shown``
    filter that every person's text goes through (direction controls shown, not obeyed) and
    ``first_upper`` (Jinja's ``capitalize`` lowers the rest: "IT services" would read "It
    services")."""
    made = Jinja2Templates(directory=HERE / "templates")
    made.env.filters["shown"] = text_direction.shown
    made.env.filters["first_upper"] = topic_names.first_upper
    made.env.filters["in_words"] = topic_names.in_words
    return made


def build_web(
    *,
    store: Store,
    adapters: Sequence[Adapter],
    metrics: Metrics,
    widget_deps: widget.WidgetDeps,
    staff: StaffWeb,
    digest_pages: digests.DigestPages,
    frame_ancestors: Sequence[str] = (),
    metrics_token: str = "",
) -> Starlette:
    """Assemble every route on one Starlette app, with security headers and response counts."""

    async def home(_: object) -> Response:
        return RedirectResponse("/widget", status_code=307)

    # The platforms' webhooks first: they carry most requests, and the router tries each route
    # in turn (none of theirs overlaps another's path).
    route_list: list[BaseRoute] = [route for adapter in adapters for route in adapter.routes()]
    route_list += [
        Route("/", home),
        *health.routes(store, adapters, metrics, token=metrics_token),
        *widget.routes(widget_deps),
        *widget_polls.routes(widget_deps),
        *staff.routes,
        *digests.routes(digest_pages),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    frames = FramePolicy(framable_prefixes=FRAMABLE, ancestors=tuple(frame_ancestors))
    middleware = [
        Middleware(ResponseCounter, routes=route_list, registry=metrics.registry),
        Middleware(SecurityHeaders, frames=frames),
        Middleware(StaffArea, middleware=staff.middleware),
    ]
    return Starlette(
        routes=route_list, middleware=middleware, exception_handlers=EXCEPTION_HANDLERS
    )


class StaffArea:
    """ASGI middleware: the staff middleware (session gate, body cap, CSRF) around requests
    under the staff paths only; the widget and the webhooks go straight to the routes, without
    paying for a CSRF token and a cookie parse they never use."""

    def __init__(self, app: ASGIApp, *, middleware: Sequence[Middleware]) -> None:
        self.app = app
        self.staff = app
        for cls, args, kwargs in reversed(middleware):
            self.staff = cls(self.staff, *args, **kwargs)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        staff = scope["type"] == "http" and str(scope["path"]).startswith(STAFF_PATHS)
        await (self.staff if staff else self.app)(scope, receive, send)
