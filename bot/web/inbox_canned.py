"""GET/POST /inbox/canned: the canned replies leads keep ({name} and {library} filled in)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.web import csrf
from bot.web.forms import BadForm, field, read_form
from bot.web.inbox_deps import InboxDeps, actor
from bot.web.staff_session import staff_of
from handlers.inbox.roles import Forbidden, allowed
from models.store.inbox.types import InboxError

DONE = {"save": "Canned reply saved.", "delete": "Canned reply removed (a default comes back)."}


def routes(deps: InboxDeps) -> list[Route]:
    """The canned-replies page and its two actions."""

    async def page(request: Request) -> Response:
        return await _page(deps, request, DONE.get(request.query_params.get("done", ""), ""))

    async def change(request: Request) -> Response:
        who = actor(staff_of(request))
        try:
            form = await read_form(request)
            if request.path_params["action"] == "delete":
                await deps.inbox.canned.delete(who, field(form, "name"))
            else:
                await deps.inbox.canned.save(who, field(form, "name"), field(form, "text"))
        except Forbidden as exc:
            return await _page(deps, request, "", error=f"Not allowed: {exc}.", status=403)
        except (InboxError, BadForm) as exc:
            return await _page(deps, request, "", error=str(exc), status=400)
        return RedirectResponse(f"/inbox/canned?done={request.path_params['action']}", 303)

    return [
        Route("/inbox/canned", page, methods=["GET"]),
        Route("/inbox/canned/{action:str}", change, methods=["POST"]),
    ]


async def _page(
    deps: InboxDeps, request: Request, done: str, *, error: str = "", status: int = 200
) -> Response:
    staff = staff_of(request)
    context = {
        "staff": staff,
        "csrf": csrf.token(request),
        "active": "canned",
        "canned": await deps.inbox.canned.replies(),
        "may_edit": allowed(staff.role, "canned"),
        "done": done,
        "error": error,
    }
    return deps.render(request, "inbox/canned.html", context, status)
