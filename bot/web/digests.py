"""The digest pages (/digests/, staff only) and the public "you said, we did" page.

Login is checked for every /digests/ path by the staff session gate, the middleware around every
staff path (``bot.web.app.StaffArea``), as for /inbox/."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route, Router
from starlette.templating import Jinja2Templates

from bot.events import utcnow
from bot.web.page_language import page_language
from bot.web.staff_session import staff_of
from config.wording import Wording
from handlers.digest.render import css
from handlers.digest.service import Digests
from handlers.digest.week import IsoWeek, last_complete_week, local_week
from handlers.inbox.roles import allowed
from handlers.topic_names import topic_name
from models.store import Store


@dataclass(frozen=True)
class DigestPages:
    """What the digest pages need."""

    digests: Digests
    store: Store
    templates: Jinja2Templates
    wording: Wording


def routes(pages: DigestPages) -> list[Route | Mount]:
    """/digests (staff only) and the public /widget/you-said-we-did."""
    staff = Router(
        routes=[
            Route("/", _index(pages)),
            Route("/digest.css", _css),
            Route("/{week}", _week(pages)),
            Route("/{week}/{chart}.png", _chart(pages)),
        ]
    )
    return [
        Route("/digests", lambda _: RedirectResponse("/digests/", status_code=307)),
        Mount("/digests", app=staff),
        Route("/widget/you-said-we-did", _you_said(pages)),
    ]


async def _css(_: Request) -> Response:
    return Response(css(), media_type="text/css")


def _started(pages: DigestPages, week: IsoWeek | None) -> IsoWeek | None:
    """The week when it has begun (a week to come has no digest, not even "so far")."""
    if week is None or week.start(pages.digests.config.zone) > utcnow():
        return None
    return week


def _week_or_404(text: str) -> IsoWeek | None:
    try:
        return IsoWeek.parse(text)
    except ValueError:
        return None


def _index(pages: DigestPages) -> Callable[[Request], Awaitable[Response]]:
    async def index(request: Request) -> Response:
        zone = pages.digests.config.zone
        current = local_week(utcnow(), zone)
        newest = last_complete_week(utcnow(), zone)
        first = await pages.store.digest.first_message_at()
        oldest = min(local_week(first, zone), newest) if first is not None else newest
        weeks: list[IsoWeek] = []
        week = newest
        while week >= oldest and len(weeks) < 520:
            weeks.append(week)
            week = week.shifted(-1)
        runs: dict[str, list[str]] = {}
        for run in await pages.store.digest_runs.listed(weeks=[str(w) for w in weeks]):
            runs.setdefault(run.week, []).append(f"{run.destination}: {run.status}")
        context = {
            "current": str(current),
            "weeks": [(str(w), runs.get(str(w), [])) for w in weeks],
            "library": pages.digests.library,
        }
        return pages.templates.TemplateResponse(request, "digests.html", context)

    return index


def _week(pages: DigestPages) -> Callable[[Request], Awaitable[Response]]:
    async def one_week(request: Request) -> Response:
        week = _week_or_404(request.path_params["week"])
        if week is None:
            raise HTTPException(404, "no such week: use YYYY-Www, e.g. 2026-W48")
        if _started(pages, week) is None:
            raise HTTPException(404, f"{week} has not started yet: no digest")
        drawn = await pages.digests.drawn(week)
        leads = _may_see_staff_figures(request)
        return HTMLResponse(pages.digests.html(drawn, "web", leads=leads))

    return one_week


def _may_see_staff_figures(request: Request) -> bool:
    """Whether the member of staff reading may see figures per member of staff (leads, admins);
    no one when no one is logged in (the session gate makes sure someone is)."""
    try:
        return allowed(staff_of(request).role, "staff_figures")
    except KeyError:
        return False


def _chart(pages: DigestPages) -> Callable[[Request], Awaitable[Response]]:
    async def chart(request: Request) -> Response:
        week = _started(pages, _week_or_404(request.path_params["week"]))
        drawn = await pages.digests.drawn(week) if week is not None else None
        found = drawn.chart(request.path_params["chart"]) if drawn is not None else None
        if found is None:
            raise HTTPException(404, "no such chart")
        return Response(found.png, media_type="image/png")

    return chart


def _you_said(pages: DigestPages) -> Callable[[Request], Awaitable[Response]]:
    async def you_said(request: Request) -> Response:
        actions = await pages.store.actions.latest(limit=100)
        wanted = request.query_params.get("topic", "")
        if wanted:  # the digest links to one topic's actions
            actions = [a for a in actions if a.topic == wanted]
        say = pages.wording.speaking(page_language(request, pages.wording))
        zone = pages.digests.config.zone
        context = {
            "actions": actions,
            "lang": say.language,
            "t": say.text,
            "topic": lambda key: topic_name(pages.wording, key, say.language),
            "day": lambda at: say.text(
                "you_said.recorded", date=_day(at.astimezone(zone), say.text("widget.months"))
            ),
        }
        return pages.templates.TemplateResponse(request, "you_said.html", context)

    return you_said


def _day(at: datetime, months: str) -> str:
    """'7 Dec 2026', the month named as the page's language names it."""
    return f"{at.day} {months.split()[at.month - 1]} {at.year}"
