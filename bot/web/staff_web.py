"""The staff side of the web server assembled: login, the session gate, CSRF, inbox pages."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from zoneinfo import ZoneInfo

from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.templating import Jinja2Templates

from bot.web import (
    csrf,
    digest_behind,
    inbox_actions,
    inbox_canned,
    inbox_coverage,
    inbox_item,
    inbox_queue,
    inbox_sends,
    inbox_staff,
    inbox_themes,
    inbox_you_said,
    poll_pages,
    rights_pages,
    staff_login,
)
from bot.web.facet_cache import FacetCache
from bot.web.inbox_deps import InboxDeps
from bot.web.known_device import DeviceCookie
from bot.web.poll_pages import PollTools
from bot.web.queue_query import FACETS, LIBRARY_ZONE
from bot.web.security import secure_cookies
from bot.web.staff_body import StaffBodyCap
from bot.web.staff_session import SessionCookie, Sessions, StaffGate, staff_of
from config.calendar import AcademicCalendar
from handlers.data_rights import DataRights
from handlers.groups.usecase import CoverageReader
from handlers.inbox.usecases import Inbox
from handlers.reach.service import Sends
from handlers.staff.login import Login, Throttle
from handlers.staff.passwords import Passwords
from handlers.themes.compute import ThemeBuilder
from handlers.themes.usecases import Themes
from handlers.you_said import YouSaid
from models.store import Store


@dataclass(frozen=True)
class StaffWebConfig:
    """The settings the staff pages need."""

    secret: bytes
    public_url: str
    idle: timedelta
    lifetime: timedelta
    library_name: str
    topics: tuple[str, ...]
    teams: tuple[str, ...]
    max_chars: int
    zone: ZoneInfo = LIBRARY_ZONE
    proxy_header: str = ""
    topic_names: Mapping[str, str] = field(default_factory=dict)
    groups: Mapping[str, str] = field(default_factory=dict)
    team_names: Mapping[str, str] = field(default_factory=dict)
    calendar: AcademicCalendar | None = None


@dataclass(frozen=True)
class StaffWeb:
    """Routes and middleware of the staff pages."""

    routes: list[BaseRoute]
    middleware: list[Middleware]


def build_staff_web(
    store: Store,
    inbox: Inbox,
    templates: Jinja2Templates,
    config: StaffWebConfig,
    you_said: YouSaid,
    coverage: CoverageReader | None = None,
    polls: PollTools | None = None,
    sends: Sends | None = None,
) -> StaffWeb:
    """Wire the staff pages on the store (the poll pages when ``polls`` is given)."""
    secure = secure_cookies(config.public_url)
    cookie = SessionCookie(config.secret, secure=secure)
    sessions = Sessions(store, cookie, idle=config.idle, lifetime=config.lifetime)
    login = Login(store, Passwords(), Throttle())
    devices = DeviceCookie(config.secret, secure=secure)
    deps = staff_login.LoginDeps(
        login, sessions, devices, templates, config.library_name, config.proxy_header
    )
    pages = InboxDeps(
        store,
        inbox,
        templates,
        config.library_name,
        config.topics,
        config.teams,
        config.max_chars,
        FacetCache(FACETS),
        config.zone,
        config.topic_names,
        config.groups,
        config.team_names,
    )
    routes: list[BaseRoute] = [
        *staff_login.routes(deps),
        *inbox_queue.routes(pages),
        *inbox_item.routes(pages),
        *rights_pages.routes(
            rights_pages.RightsPages(DataRights(store), pages.render)
        ),  # before actions
        *inbox_actions.routes(pages),
        *inbox_staff.routes(pages),
        *inbox_canned.routes(pages),
        *digest_behind.routes(pages),
        *inbox_you_said.routes(pages, you_said),
        *(inbox_coverage.routes(pages, coverage) if coverage else []),
        *(poll_pages.routes(pages, polls) if polls is not None else []),
        *(inbox_sends.routes(pages, sends) if sends is not None else []),
        *inbox_themes.routes(_theme_pages(store, pages, config)),
        Route("/inbox", to_queue),
        Route("/inbox/{rest:path}", _not_found(pages), methods=["GET", "POST"]),
    ]
    middleware = [
        Middleware(StaffGate, sessions=sessions),  # outermost: no session → login or 401
        Middleware(StaffBodyCap),  # 413 before the CSRF check would read a whole oversize body
        Middleware(csrf.StaffCsrf, secret=config.secret, sessions=cookie),
    ]
    return StaffWeb(routes, middleware)


def _theme_pages(store: Store, pages: InboxDeps, config: StaffWebConfig) -> inbox_themes.ThemePages:
    """The themes pages' use cases, on the library's zone, topics and teams."""
    builder = ThemeBuilder(store, config.zone)
    themes = Themes(store, builder, topics=config.topics, teams=config.teams)
    return inbox_themes.ThemePages(pages, themes, config.calendar)


async def to_queue(_: Request) -> Response:
    """/inbox → /inbox/."""
    return RedirectResponse("/inbox/", status_code=307)


def _not_found(pages: InboxDeps) -> Callable[[Request], Awaitable[Response]]:
    async def not_found(request: Request) -> Response:
        """Any other /inbox path, for a logged-in member of staff."""
        context = {
            "staff": staff_of(request),
            "csrf": csrf.token(request),
            "title": "Not found",
            "message": "There is no such page in the inbox.",
        }
        return pages.render(request, "inbox/error.html", context, 404)

    return not_found
