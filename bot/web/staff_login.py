"""GET/POST /inbox/login and POST /inbox/logout."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from bot.events import utcnow
from bot.web import csrf
from bot.web.client import client_address
from bot.web.forms import BadForm, field, read_form
from bot.web.known_device import DeviceCookie
from bot.web.staff_session import Sessions, safe_next
from handlers.staff.login import Login, token_hash

MESSAGES = {
    "wrong": "That e-mail address and password do not match an active account.",
    "throttled": (
        "Too many failed attempts. Wait 15 minutes, then try again, or log in from a browser"
        " you have logged in with before."
    ),
}
STATUS = {"wrong": 401, "throttled": 429}


@dataclass(frozen=True)
class LoginDeps:
    """What the login routes need."""

    login: Login
    sessions: Sessions
    devices: DeviceCookie
    templates: Jinja2Templates
    library_name: str
    proxy_header: str = ""


def routes(deps: LoginDeps) -> list[Route]:
    """The login and logout routes."""

    async def page(request: Request) -> Response:
        if await deps.sessions.staff(request) is not None:
            return RedirectResponse(safe_next(request.query_params.get("next", "")), 303)
        notice = "You have logged out." if request.query_params.get("bye") else ""
        return _form(request, deps, notice=notice, back=request.query_params.get("next", ""))

    async def submit(request: Request) -> Response:
        try:
            form = await read_form(request, cap=16 * 1024)
        except BadForm as exc:
            return _form(request, deps, error=str(exc), status=400, back="")
        email, password, back = field(form, "email"), field(form, "password"), field(form, "next")
        if not email.strip() or not password:
            error = "Enter your e-mail address and password."
            return _form(request, deps, error=error, status=400, email=email, back=back)
        outcome = await deps.login.attempt(
            email=email,
            password=password,
            ip=client_address(request, deps.proxy_header),
            device=deps.devices.device(request, email),
            now=utcnow(),
        )
        if outcome.result != "ok":
            error = MESSAGES[outcome.result]
            status = STATUS[outcome.result]
            return _form(request, deps, error=error, status=status, email=email, back=back)
        await _end_old(request, deps)  # the id is rotated: an old one dies here
        response = RedirectResponse(safe_next(back), status_code=303)
        deps.sessions.cookie.set(response, outcome.token)
        deps.devices.set(response, email)  # this browser now has its own allowance
        return response

    async def logout(request: Request) -> Response:
        await _end_old(request, deps)
        response = RedirectResponse("/inbox/login?bye=1", status_code=303)
        deps.sessions.cookie.clear(response)
        return response

    return [
        Route("/inbox/login", page, methods=["GET"]),
        Route("/inbox/login", submit, methods=["POST"]),
        Route("/inbox/logout", logout, methods=["POST"]),
    ]


async def _end_old(request: Request, deps: LoginDeps) -> None:
    token = deps.sessions.cookie.token(request)
    if token is not None:
        await deps.sessions.store.staff.end_session(token_hash=token_hash(token), now=utcnow())


def _form(
    request: Request,
    deps: LoginDeps,
    *,
    error: str = "",
    notice: str = "",
    status: int = 200,
    email: str = "",
    back: str,
) -> Response:
    context = {
        "csrf": csrf.token(request),
        "error": error,
        "notice": notice,
        "email": email,
        "next": safe_next(back),
        "library_name": deps.library_name,
        "staff": None,
    }
    response = deps.templates.TemplateResponse(request, "inbox/login.html", context, status)
    response.headers["cache-control"] = "no-store"
    return response
