"""GET /inbox/coverage: who the library hears from, by customer group (leads)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.web.inbox_deps import InboxDeps, actor
from bot.web.staff_session import staff_of
from handlers.groups.usecase import CoverageReader
from handlers.inbox.roles import Forbidden


def routes(deps: InboxDeps, reader: CoverageReader) -> list[Route]:
    """The coverage page."""

    async def page(request: Request) -> Response:
        staff = staff_of(request)
        context: dict[str, object] = {
            "staff": staff,
            "active": "coverage",
            "topic": deps.topic_name,
        }
        try:
            found = await reader.read(actor(staff))
        except Forbidden as exc:
            context |= {"error": f"Not allowed: {exc}.", "c": None}
            return deps.render(request, "inbox/coverage.html", context, 403)
        return deps.render(request, "inbox/coverage.html", context | {"c": found})

    return [Route("/inbox/coverage", page, methods=["GET"])]
