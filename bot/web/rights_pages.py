"""Data-rights pages for admins, mounted by the staff side behind its session gate and CSRF
check: GET /inbox/audit (the audit log, filtered by actor, action and subject, a page at a
time), POST /inbox/items/{id}/export (the item's person's data as a JSON download, audited),
GET /inbox/items/{id}/erase (the confirmation page) and POST /inbox/items/{id}/erase (field
``confirm`` must say "erase"; audited; repeating it is a no-op). Who may is decided by the
use cases (handlers/data_rights.py: admins only); anyone else gets their 403 page here."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.web import csrf
from bot.web.forms import BadForm, field, query_text, read_form
from bot.web.inbox_deps import actor
from bot.web.numbers import db_int, id_param
from bot.web.staff_session import staff_of
from handlers.data_rights import DataRights
from handlers.inbox.roles import Actor, Forbidden
from models.store.rights.audit_list import AuditFilter
from models.store.rights.person import NoSuchPerson
from models.store.rights.scope import Who

PAGE = 50
FILTER_CHARS = 200
CONFIRM_WORD = "erase"
NOT_ALLOWED = "Only inbox administrators can see the audit log and export or erase data."

Render = Callable[[Request, str, dict[str, Any], int], Response]
Handler = Callable[["RightsPages", Request, Actor], Awaitable[Response]]


@dataclass(frozen=True)
class RightsPages:
    """The data-rights use cases and the staff side's page renderer (never cached, library
    name filled in)."""

    rights: DataRights
    render: Render

    def page(
        self, request: Request, name: str, context: dict[str, Any], status: int = 200
    ) -> Response:
        """A page with the logged-in member of staff and the CSRF token for its forms."""
        base = {"staff": staff_of(request), "csrf": csrf.token(request)}
        response = self.render(request, name, base | context, status)
        response.headers["cache-control"] = "no-store"
        return response

    def problem(self, request: Request, title: str, message: str, status: int) -> Response:
        """The staff side's error page."""
        return self.page(request, "inbox/error.html", {"title": title, "message": message}, status)


def routes(pages: RightsPages) -> list[Route]:
    """The audit page and the item page's export and erase actions (before the generic
    /inbox/items/{id}/{action} route, which would otherwise take these posts)."""
    item = f"/inbox/items/{id_param('item_id')}"
    return [
        Route("/inbox/audit", _admins(pages, _audit), methods=["GET"]),
        Route(f"{item}/export", _admins(pages, _export), methods=["POST"]),
        Route(f"{item}/erase", _admins(pages, _confirm), methods=["GET"]),
        Route(f"{item}/erase", _admins(pages, _erase), methods=["POST"]),
    ]


def _admins(pages: RightsPages, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """The 403 page for whoever the use cases refuse (anyone but an admin)."""

    async def endpoint(request: Request) -> Response:
        try:
            return await handler(pages, request, actor(staff_of(request)))
        except Forbidden:
            return pages.problem(request, "Not allowed", NOT_ALLOWED, 403)

    return endpoint


def audit_filter(request: Request) -> AuditFilter:
    """The page's filter from its query (each value trimmed and bounded)."""
    q = request.query_params
    return AuditFilter(
        **{k: query_text(q, k, FILTER_CHARS).strip() for k in ("actor", "action", "subject")}
    )


async def _audit(pages: RightsPages, request: Request, staff: Actor) -> Response:
    wanted = audit_filter(request)
    before = db_int(request.query_params.get("before", ""))
    rows = await pages.rights.audit_log(staff, wanted=wanted, limit=PAGE + 1, before=before)
    older = rows[PAGE - 1].id if len(rows) > PAGE else None
    shown = [(r, json.dumps(r.detail, ensure_ascii=False, sort_keys=True)) for r in rows[:PAGE]]
    context = {
        "rows": shown,
        "names": await pages.rights.staff_names(staff),
        "wanted": wanted,
        "older": older,
        "paged": before is not None,
        "active": "audit",
    }
    return pages.page(request, "inbox/audit.html", context)


async def _export(pages: RightsPages, request: Request, staff: Actor) -> Response:
    item_id = int(request.path_params["item_id"])
    try:
        doc = await pages.rights.export(staff, Who(item_id=item_id))
    except NoSuchPerson as exc:
        return pages.problem(request, "Not found", f"Nothing to export: {exc}.", 404)
    body = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    headers = {
        "content-disposition": f'attachment; filename="person-item-{item_id}.json"',
        "cache-control": "no-store",
    }
    return Response(body, media_type="application/json", headers=headers)


async def _confirm(pages: RightsPages, request: Request, staff: Actor) -> Response:
    return await _confirm_page(pages, request, staff, int(request.path_params["item_id"]))


async def _confirm_page(
    pages: RightsPages,
    request: Request,
    staff: Actor,
    item_id: int,
    *,
    error: str = "",
    status: int = 200,
) -> Response:
    channel = await pages.rights.may_erase(staff, item_id)
    if channel is None:
        return pages.problem(request, "Not found", "There is no such item.", 404)
    context = {"item_id": item_id, "channel": channel, "error": error, "word": CONFIRM_WORD}
    return pages.page(request, "inbox/erase.html", context, status)


async def _erase(pages: RightsPages, request: Request, staff: Actor) -> Response:
    item_id = int(request.path_params["item_id"])
    if await pages.rights.may_erase(staff, item_id) is None:  # refused before reading the form
        return pages.problem(request, "Not found", "There is no such item.", 404)
    try:
        typed = field(await read_form(request), "confirm").strip().lower()
    except BadForm as exc:
        return await _confirm_page(pages, request, staff, item_id, error=str(exc), status=400)
    if typed != CONFIRM_WORD:
        error = f'Nothing was erased: type "{CONFIRM_WORD}" in the box to confirm.'
        return await _confirm_page(pages, request, staff, item_id, error=error, status=400)
    done = await pages.rights.erase(staff, Who(item_id=item_id))
    touched = sorted((t, n) for t, n in done.touched.items() if n)
    context = {"item_id": item_id, "held": done.held, "touched": touched}
    return pages.page(request, "inbox/erased.html", context)
