"""GET /inbox/staff and POST /inbox/staff/{id}/disable: managing staff (admins only)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.web import csrf
from bot.web.inbox_deps import InboxDeps
from bot.web.numbers import id_param
from bot.web.staff_session import staff_of
from handlers.inbox.roles import allowed


def routes(deps: InboxDeps) -> list[Route]:
    """The staff list and the disable action."""

    async def listing(request: Request) -> Response:
        staff = staff_of(request)
        if not allowed(staff.role, "staff"):
            return _forbidden(deps, request)
        context = {
            "staff": staff,
            "csrf": csrf.token(request),
            "accounts": await deps.store.staff.all(),
        }
        context["done"] = request.query_params.get("done") == "disable"
        return deps.render(request, "inbox/staff.html", context)

    async def disable(request: Request) -> Response:
        staff = staff_of(request)
        if not allowed(staff.role, "staff"):
            return _forbidden(deps, request)
        target = await deps.store.staff.get(staff_id=request.path_params["staff_id"])
        if target is None:
            return _problem(deps, request, 404, "Not found", "There is no such staff account.")
        await deps.store.staff.disable(email=target.email, actor=staff.actor)
        return RedirectResponse("/inbox/staff?done=disable", status_code=303)

    return [
        Route("/inbox/staff", listing, methods=["GET"]),
        Route(f"/inbox/staff/{id_param('staff_id')}/disable", disable, methods=["POST"]),
    ]


def _forbidden(deps: InboxDeps, request: Request) -> Response:
    message = "Only inbox administrators can manage staff accounts."
    return _problem(deps, request, 403, "Not allowed", message)


def _problem(deps: InboxDeps, request: Request, status: int, title: str, message: str) -> Response:
    context = {"staff": staff_of(request), "csrf": csrf.token(request), "title": title}
    return deps.render(request, "inbox/error.html", context | {"message": message}, status)
