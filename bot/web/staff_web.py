"""The staff side of the web server assembled: login, the session gate, CSRF, inbox pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from starlette.middleware import Middleware
from starlette.routing import BaseRoute
from starlette.templating import Jinja2Templates

from bot.web import csrf, inbox_queue, staff_login
from bot.web.inbox_deps import InboxDeps
from bot.web.staff_session import SessionCookie, Sessions, StaffGate
from handlers.staff.login import Login, Throttle
from handlers.staff.passwords import Passwords
from models.store import Store


@dataclass(frozen=True)
class StaffWebConfig:
    """The settings the staff pages need."""

    secret: bytes
    public_url: str
    idle: timedelta
    lifetime: timedelta
    library_name: str


@dataclass(frozen=True)
class StaffWeb:
    """Routes and middleware of the staff pages."""

    routes: list[BaseRoute]
    middleware: list[Middleware]


def build_staff_web(store: Store, templates: Jinja2Templates, config: StaffWebConfig) -> StaffWeb:
    """Wire the staff pages on the store."""
    secure = config.public_url.lower().startswith("https://")
    cookie = SessionCookie(config.secret, secure=secure)
    sessions = Sessions(store, cookie, idle=config.idle, lifetime=config.lifetime)
    login = Login(store, Passwords(), Throttle())
    deps = staff_login.LoginDeps(login, sessions, templates, config.library_name)
    pages = InboxDeps(store, templates, config.library_name)
    routes: list[BaseRoute] = [*staff_login.routes(deps), *inbox_queue.routes(pages)]
    middleware = [
        Middleware(StaffGate, sessions=sessions),  # outermost: no session → login or 401
        csrf.middleware(config.secret, secure=secure),
    ]
    return StaffWeb(routes, middleware)
