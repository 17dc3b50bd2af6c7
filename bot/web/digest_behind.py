"""GET /inbox/messages: the messages behind a digest figure (a week's messages by channel,
topic, sentiment or customer group; one quoted message; a poll's answers), counted and listed
by the same query the digest counts with."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.events import utcnow
from bot.web import csrf
from bot.web.forms import query_text
from bot.web.inbox_deps import InboxDeps, actor
from bot.web.numbers import db_int
from bot.web.staff_session import staff_of
from handlers.digest.behind import PER_PAGE, messages_behind
from handlers.digest.figures import pseudonymous_name
from handlers.digest.week import IsoWeek
from handlers.inbox.roles import Forbidden
from models.store.digest.behind import Behind

ASK = (
    "say which messages: week=YYYY-Www (with channel, topic, sentiment or group), "
    "message=ID or poll=ID"
)


class BadQuery(ValueError):
    """The query string names no messages, or names them wrongly (400)."""


def behind_of(
    params: Mapping[str, str], *, zone: ZoneInfo, now: datetime, groups: Mapping[str, str]
) -> Behind:
    """The messages a query string asks for; BadQuery says what is wrong."""
    message, poll = params.get("message", ""), params.get("poll", "")
    if message:
        return Behind(message_id=_id(message, "message"))
    if poll:
        return Behind(poll_id=_id(poll, "poll"))
    week = params.get("week", "")
    if not week:
        raise BadQuery(ASK)
    try:
        parsed = IsoWeek.parse(week)
    except ValueError as exc:
        raise BadQuery(f"week: {exc}") from None
    start, end = parsed.start(zone), parsed.end(zone)
    return Behind(
        start=start,
        end=min(end, max(now, start)),
        channel=query_text(params, "channel", 16) or None,
        topic=query_text(params, "topic", 64) or None,
        sentiment=query_text(params, "sentiment", 16) or None,
        group=query_text(params, "group", 64) or None,
        groups=groups,
    )


def _id(text: str, name: str) -> int:
    number = db_int(text)
    if number is None:
        raise BadQuery(f"{name} must be a number, not {text[:20]!r}")
    return number


def routes(deps: InboxDeps) -> list[Route]:
    """The page."""

    async def page(request: Request) -> Response:
        staff = staff_of(request)
        context: dict[str, object] = {"staff": staff, "csrf": csrf.token(request)}
        params = request.query_params
        try:
            behind = behind_of(params, zone=deps.zone, now=utcnow(), groups=deps.groups)
            number = db_int(params.get("page", "")) or 1
            found = await messages_behind(deps.store, actor(staff), behind, page=number)
        except BadQuery as exc:
            return deps.error(request, 400, "No such list", str(exc))
        except Forbidden as exc:
            return deps.error(request, 403, "Not allowed", f"Not allowed: {exc}.")
        shown = {k: v for k, v in params.items() if k != "page" and v}
        context |= {
            "found": found,
            "filters": shown,
            "page": number,
            "per_page": PER_PAGE,
            "who": pseudonymous_name,
            "topic": deps.topic_name,
            "more": f"?{_query(shown, page=number + 1)}",
            "less": f"?{_query(shown, page=number - 1)}",
        }
        return deps.render(request, "inbox/messages.html", context)

    return [Route("/inbox/messages", page, methods=["GET"])]


def _query(params: Mapping[str, str], **changes: object) -> str:
    return urlencode({**params, **{k: str(v) for k, v in changes.items()}})
