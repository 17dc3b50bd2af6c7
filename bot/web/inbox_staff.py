"""/inbox/staff: managing staff accounts in the browser (admins only, checked in the use cases):
add an account, change its role, team and the languages they read, disable or enable it, set a
new password.

Each change is a plain form post (CSRF checked by the middleware). A password the bot made up is
shown once, on the page that answers the post (never in a link or the audit log)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.web import csrf
from bot.web.forms import BadForm, field, read_form
from bot.web.inbox_deps import InboxDeps, actor
from bot.web.numbers import id_param
from bot.web.staff_session import staff_of
from handlers.inbox.roles import ROLES, Actor, Forbidden
from handlers.staff.accounts import AccountRefused, NewPassword, Profile, StaffAccounts
from handlers.staff.passwords import Passwords, WeakPassword
from models.store.staff.facade import NoSuchStaff, StaffExists

Form = dict[str, list[str]]
DONE = {
    "change": "Role, team and languages saved.",
    "disable": "The account is disabled and its sessions have ended.",
    "enable": "The account can log in again.",
}
Change = Callable[[StaffAccounts, Actor, int, Form], Awaitable[object]]


def _profile(form: Form) -> Profile:
    """The form's role, team and languages (checked by the use case, after the role; a form
    without the languages field leaves them as they are)."""
    said = field(form, "languages").split(",") if "languages" in form else None
    reads = None if said is None else tuple(c.strip() for c in said if c.strip())
    return Profile(role=field(form, "role"), team=field(form, "team"), languages=reads)


CHANGES: dict[str, Change] = {
    "change": lambda accounts, who, sid, form: accounts.change(who, sid, _profile(form)),
    "disable": lambda accounts, who, sid, form: accounts.disable(who, sid),
    "enable": lambda accounts, who, sid, form: accounts.enable(who, sid),
}


def routes(deps: InboxDeps) -> list[Route]:
    """The staff page and its changes."""
    accounts = StaffAccounts(deps.store, Passwords(), deps.teams)

    async def listing(request: Request) -> Response:
        done = DONE.get(request.query_params.get("done", ""), "")
        return await _page(deps, accounts, request, done=done)

    async def add(request: Request) -> Response:
        try:
            form = await read_form(request)
            made = await accounts.add(
                actor(staff_of(request)),
                email=field(form, "email"),
                name=field(form, "name"),
                profile=_profile(form),
                password=field(form, "password"),
            )
        except (Forbidden, AccountRefused, WeakPassword, StaffExists, BadForm) as exc:
            return await _refused(deps, accounts, request, exc)
        said = f"{made.account.name}'s account is added."
        return await _page(deps, accounts, request, done=said, handover=made)

    async def password(request: Request) -> Response:
        try:
            form = await read_form(request)
            who, staff_id = actor(staff_of(request)), request.path_params["staff_id"]
            made = await accounts.reset_password(who, staff_id, field(form, "password"))
        except (Forbidden, AccountRefused, WeakPassword, NoSuchStaff, BadForm) as exc:
            return await _refused(deps, accounts, request, exc)
        said = f"{made.account.name} has a new password; their sessions have ended."
        return await _page(deps, accounts, request, done=said, handover=made)

    async def change(request: Request) -> Response:
        name = request.path_params["change"]
        if name not in CHANGES:
            return await _page(
                deps, accounts, request, error="There is no such change.", status=404
            )
        try:
            form = await read_form(request)
            who, staff_id = actor(staff_of(request)), request.path_params["staff_id"]
            await CHANGES[name](accounts, who, staff_id, form)
        except (Forbidden, AccountRefused, NoSuchStaff, BadForm) as exc:
            return await _refused(deps, accounts, request, exc)
        return RedirectResponse(f"/inbox/staff?done={name}#staff-{staff_id}", status_code=303)

    staff_id = id_param("staff_id")
    return [
        Route("/inbox/staff", listing, methods=["GET"]),
        Route("/inbox/staff/add", add, methods=["POST"]),
        Route(f"/inbox/staff/{staff_id}/password", password, methods=["POST"]),
        Route(f"/inbox/staff/{staff_id}/{{change:str}}", change, methods=["POST"]),
    ]


def _forbidden() -> str:
    return "Only inbox administrators can manage staff accounts."


async def _refused(
    deps: InboxDeps, accounts: StaffAccounts, request: Request, exc: Exception
) -> Response:
    """The page again, saying why nothing changed (403, 404, 409 or 400)."""
    if isinstance(exc, NoSuchStaff):
        error, status = "There is no such staff account.", 404
    elif isinstance(exc, StaffExists):
        error, status = f"An account for {exc} already exists.", 409
    elif isinstance(exc, Forbidden):
        error, status = _forbidden(), 403
    else:
        message = str(exc)
        error, status = message[:1].upper() + message[1:] + ".", 400
    return await _page(deps, accounts, request, error=error, status=status)


async def _page(
    deps: InboxDeps,
    accounts: StaffAccounts,
    request: Request,
    *,
    done: str = "",
    error: str = "",
    handover: NewPassword | None = None,
    status: int = 200,
) -> Response:
    staff = staff_of(request)
    context: dict[str, object] = {
        "staff": staff,
        "csrf": csrf.token(request),
        "active": "staff",
        "done": done,
        "error": error,
        "handover": handover,
        "roles": ROLES,
        "teams": deps.teams,
    }
    try:
        context["accounts"] = await accounts.listing(actor(staff))
    except Forbidden:
        context |= {"title": "Not allowed", "message": _forbidden()}
        return deps.render(request, "inbox/error.html", context, 403)
    return deps.render(request, "inbox/staff.html", context, status)
