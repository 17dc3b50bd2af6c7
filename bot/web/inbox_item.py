"""GET /inbox/items/{id} — one item: its conversation (a page at a time) and its actions."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.events import utcnow
from bot.web import csrf, inbox_format
from bot.web.inbox_deps import InboxDeps, actor
from bot.web.numbers import db_int, id_param
from bot.web.staff_session import staff_of
from handlers.inbox.moves import may_move
from handlers.inbox.roles import Actor, allowed, sees_name
from models.store.inbox.types import PRIORITIES, InboxError, ItemPage, QueueFilter
from models.store.staff.facade import StaffView

NEIGHBOURS = 50  # next/previous item: found among the first page of the open queue
DONE = {
    "claim": "You have claimed this item.",
    "unclaim": "You have let this item go.",
    "assign": "Assigned.",
    "priority": "Priority changed.",
    "reply": "Reply queued: it goes out on the person's channel (see its delivery state below).",
    "note": "Private note added. It is never sent to the person.",
    "relabel": "Label corrected; the classifier learns from it on the next retraining.",
    "relabel_moved": "Topic corrected; the item moved to that topic's team (due time unchanged).",
    "move": "Moved to the team shown below; its due time is unchanged.",
    "split_off": "This item was split off; its messages no longer belong to the item they left.",
    "snooze": "Snoozed.",
    "resolve": "Resolved.",
    "reopen": "Reopened.",
    "retry": "The reply will be sent again.",
}
SNOOZE_HOURS = ((1, "1 hour"), (4, "4 hours"), (24, "1 day"), (72, "3 days"), (168, "1 week"))


def routes(deps: InboxDeps) -> list[Route]:
    """The item page."""

    async def item(request: Request) -> Response:
        return await render_item(deps, request, request.path_params["item_id"])

    return [Route(f"/inbox/items/{id_param('item_id')}", item, methods=["GET"])]


async def render_item(
    deps: InboxDeps, request: Request, item_id: int, *, error: str = "", status: int = 200
) -> Response:
    """The item page, with an error message when an action could not be done."""
    staff = staff_of(request)
    before = db_int(request.query_params.get("before", ""))
    page = await deps.store.inbox.page(item_id=item_id, before=before, limit=50)
    if page is None:
        return deps.render(request, "inbox/error.html", _missing(request, staff), 404)
    context = await _context(deps, request, staff, page)
    return deps.render(request, "inbox/item.html", context | {"error": error}, status)


async def render_resolve_check(deps: InboxDeps, request: Request, item_id: int) -> Response:
    """Before a resolve that sends the person the rating question: what will be sent, where,
    with Resolve and Cancel (a page of its own, so it works without JavaScript and by keyboard,
    and the ``e`` shortcut gets a second look)."""
    staff = staff_of(request)
    found = await deps.store.inbox.item(item_id=item_id)
    if found is None:
        return deps.render(request, "inbox/error.html", _missing(request, staff), 404)
    row, who = found.row, actor(staff)
    label = inbox_format.pseudonym(row.person)
    person = (found.display_name or label) if sees_name(who, row.assignee_id) else label
    context = {
        "staff": staff,
        "csrf": csrf.token(request),
        "row": row,
        "person": person,
        "question": deps.inbox.rating_question,
    }
    return deps.render(request, "inbox/resolve_check.html", context)


def _missing(request: Request, staff: StaffView) -> dict[str, Any]:
    message = "There is no such item. It may have been erased."
    return {"staff": staff, "csrf": csrf.token(request), "title": "Not found", "message": message}


async def _context(
    deps: InboxDeps, request: Request, staff: StaffView, page: ItemPage
) -> dict[str, Any]:
    row, who = page.item.row, actor(staff)
    picked = request.query_params.get("canned", "")
    draft = await _draft(deps, who, picked, row.id)
    return {
        "page": page,
        "row": row,
        "staff": staff,
        "csrf": csrf.token(request),
        "now": utcnow(),
        "fmt": inbox_format,
        "done": DONE.get(request.query_params.get("done", ""), ""),
        "draft": draft,
        "picked": picked if draft else "",
        "canned": await deps.inbox.canned.replies(),
        "members": await deps.store.inbox.members(),
        "may": {a: allowed(staff.role, a) for a in ("assign", "unclaim_others", "data_rights")}
        | {"move": may_move(who, row.team)},
        "opted_out": bool(await deps.store.opt_outs.of(contact_ids=[page.item.contact_id])),
        "sees_person": sees_name(who, row.assignee_id),
        "topics": deps.topics,
        "teams": deps.teams,
        "priorities": PRIORITIES,
        "snooze_hours": SNOOZE_HOURS,
        "max_chars": deps.max_chars,
        "neighbours": await _neighbours(deps, row.id),
        "resolve_asks": row.status != "resolved"
        and await deps.inbox.resolve_would_ask(who, row.id),
        "actor": who,
    }


async def _draft(deps: InboxDeps, who: Actor, canned: str, item_id: int) -> str:
    """The reply box's text: a canned reply chosen without JavaScript, filled in (the name
    only for whoever may see it, as on the page)."""
    try:
        return await deps.inbox.canned.text(who, canned, item_id) if canned else ""
    except InboxError:
        return ""


async def _neighbours(deps: InboxDeps, item_id: int) -> tuple[int | None, int | None]:
    """The previous and next item in the open queue (soonest due first)."""
    rows = await deps.store.inbox.listing(filter=QueueFilter(), limit=NEIGHBOURS, offset=0)
    ids = [r.id for r in rows]
    if item_id not in ids:
        return None, ids[0] if ids else None
    at = ids.index(item_id)
    return (ids[at - 1] if at > 0 else None), (ids[at + 1] if at + 1 < len(ids) else None)
