"""GET /inbox/ — the queue: standing views with counts, filters, soonest due first."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.events import utcnow
from bot.web import csrf, inbox_format, inbox_you_said
from bot.web.facet_cache import Facets
from bot.web.inbox_deps import InboxDeps
from bot.web.queue_query import (
    PER_PAGE,
    QueueQuery,
    parse,
    standing_total,
    to_filter,
)
from bot.web.staff_session import staff_of
from handlers.inbox.roles import allowed
from models.store.inbox.types import PRIORITIES, STATUSES
from models.store.staff.facade import StaffView


def routes(deps: InboxDeps) -> list[Route]:
    """The queue page (and its list alone, for the page's own refresh)."""

    async def queue(request: Request) -> Response:
        staff = staff_of(request)
        query = parse(request.query_params)
        partial = request.headers.get("x-fragment") == "queue"  # the page's own refresh
        context = await queue_context(deps, staff, query, list_only=partial)
        name = "inbox/_queue_list.html" if partial else "inbox/queue.html"
        context |= {"csrf": csrf.token(request), "staff": staff, "active": "queue"}
        context |= inbox_you_said.context(request, staff.role, query.topic)
        return deps.render(request, name, context)

    return [Route("/inbox/", queue, methods=["GET"])]


async def queue_context(
    deps: InboxDeps, staff: StaffView, query: QueueQuery, *, list_only: bool = False
) -> dict[str, Any]:
    """Everything the queue template shows (only the list's part for a refresh)."""
    now, inbox = utcnow(), deps.store.inbox
    seen = await deps.store.staff.queue_seen_at(staff_id=staff.id)
    where = to_filter(
        query, staff_id=staff.id, now=now, seen=seen, zone=deps.zone, my_languages=staff.languages
    )
    offset = (query.page - 1) * PER_PAGE
    rows = await inbox.listing(filter=where, limit=PER_PAGE, offset=offset)
    listed = {"query": query, "rows": rows, "now": now, "seen": seen, "fmt": inbox_format}
    if list_only:
        return listed | {"total": await inbox.count(filter=where)}
    counts = await inbox.counts(staff_id=staff.id, now=now, new_since=seen)
    if seen is None:  # never marked: everything open is new (no need to count it twice)
        counts["new_since"] = counts["all"]
    total = standing_total(query, counts)
    may_assign = allowed(staff.role, "assign")  # a hint: Inbox.assign checks it again
    return listed | {
        "total": await inbox.count(filter=where) if total is None else total,
        "counts": counts,
        "facets": with_every_topic(await deps.facets.get(deps.store), deps.topics),
        "members": await inbox.members() if may_assign else [],
        "can_assign": may_assign,
        "statuses": STATUSES,
        "priorities": PRIORITIES,
        "per_page": PER_PAGE,
    }


def with_every_topic(facets: Facets, topics: tuple[str, ...]) -> Facets:
    """The counts, with every configured topic offered (at 0 when no open item has it), so a
    lead can reach any topic's view, and its "you said, we did" form, from the filter."""
    return facets | {"topic": {t: 0 for t in topics} | dict(facets.get("topic", {}))}
