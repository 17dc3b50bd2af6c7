"""Data-rights pages for admins: GET /inbox/audit (the audit log, filtered by actor, action and
subject, paged), GET /inbox/items/{id}/export (the item's person's data as a JSON download) and
POST /inbox/items/{id}/erase (field ``confirm`` must say "erase").

The staff side (staffweb) mounts ``routes(...)`` behind its session gate and CSRF check and
passes its ``staff_of`` and page renderer in; nothing here logs anyone in."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from handlers.inbox.roles import allowed
from models.store import Store
from models.store.audit_list import AuditFilter
from models.store.rights_person import NoSuchPerson
from models.store.rights_scope import Who

PAGE = 100


class Staff(Protocol):
    """What these pages need of the logged-in staff member."""

    @property
    def role(self) -> str: ...

    @property
    def actor(self) -> str: ...


Render = Callable[[Request, str, dict[str, Any], int], Response]


@dataclass(frozen=True)
class RightsPages:
    """The store, who is asking (from the session gate), and how pages are rendered."""

    store: Store
    staff_of: Callable[[Request], Staff]
    render: Render


def routes(pages: RightsPages) -> list[Route]:
    """The audit page and the item page's export and erase actions."""
    return [
        Route("/inbox/audit", _guarded(pages, _audit), methods=["GET"]),
        Route("/inbox/items/{item_id:int}/export", _guarded(pages, _export), methods=["GET"]),
        Route("/inbox/items/{item_id:int}/erase", _guarded(pages, _erase), methods=["POST"]),
    ]


Handler = Callable[[RightsPages, Request, Staff], Any]


def _guarded(pages: RightsPages, handler: Handler) -> Callable[[Request], Any]:
    """Admins only (403 page for anyone else)."""

    async def endpoint(request: Request) -> Response:
        staff = pages.staff_of(request)
        if not allowed(staff.role, "data_rights"):
            message = "Only inbox administrators can see the audit log and export or erase data."
            return _page(
                pages,
                request,
                "inbox/error.html",
                {"title": "Not allowed", "message": message},
                403,
            )
        response: Response = await handler(pages, request, staff)
        return response

    return endpoint


def _page(
    pages: RightsPages, request: Request, name: str, context: dict[str, Any], status: int = 200
) -> Response:
    response = pages.render(request, name, {"staff": pages.staff_of(request), **context}, status)
    response.headers["cache-control"] = "no-store"
    return response


async def _audit(pages: RightsPages, request: Request, staff: Staff) -> Response:
    q = request.query_params
    wanted = AuditFilter(
        actor=q.get("actor", ""), action=q.get("action", ""), subject=q.get("subject", "")
    )
    before = int(q["before"]) if q.get("before", "").isdigit() else None
    rows = await pages.store.rights.audit_log(filter=wanted, limit=PAGE + 1, before=before)
    older = rows[PAGE - 1].id if len(rows) > PAGE else None
    shown = [(r, json.dumps(r.detail, ensure_ascii=False)) for r in rows[:PAGE]]
    context = {"rows": shown, "wanted": wanted, "older": older, "active": "audit"}
    return _page(pages, request, "inbox/audit.html", context)


async def _export(pages: RightsPages, request: Request, staff: Staff) -> Response:
    item_id = int(request.path_params["item_id"])
    try:
        doc = await pages.store.rights.export_person(who=Who(item_id=item_id), actor=staff.actor)
    except NoSuchPerson as exc:
        return _page(
            pages, request, "inbox/error.html", {"title": "Not found", "message": str(exc)}, 404
        )
    body = json.dumps(doc, ensure_ascii=False, indent=2)
    headers = {
        "content-disposition": f'attachment; filename="person-item-{item_id}.json"',
        "cache-control": "no-store",
    }
    return Response(body, media_type="application/json", headers=headers)


async def _erase(pages: RightsPages, request: Request, staff: Staff) -> Response:
    item_id = int(request.path_params["item_id"])
    form = await request.form()
    if str(form.get("confirm", "")).strip().lower() != "erase":
        message = 'Type "erase" in the confirmation box to erase this person\'s data.'
        return _page(
            pages, request, "inbox/error.html", {"title": "Not erased", "message": message}, 400
        )
    await pages.store.rights.erase_person(who=Who(item_id=item_id), actor=staff.actor)
    return RedirectResponse(f"/inbox/items/{item_id}?done=erased", status_code=303)
