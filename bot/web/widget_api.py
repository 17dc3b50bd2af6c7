"""The widget's JSON API: issue and end sessions, post a message, read the conversation."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.adapters.widget import TextTooLong, WidgetInputError, to_event
from bot.channel import Receipt
from bot.events import InboundEvent
from bot.storable import Unstorable
from bot.web.body import (
    JSON_TYPE,
    BadRequest,
    parse_json,
    read_capped,
    read_json,
    require_type,
    whole_number,
)
from bot.web.widget_deps import WidgetDeps, conversation, message_json, place_by_entry

SMALL_BODY = 4096


def routes(deps: WidgetDeps) -> list[Route]:
    """The /widget/api routes for sessions and messages."""

    async def new_session(request: Request) -> Response:
        group = _group(deps, await _empty_or_object(request))
        session = await deps.guard.issue(request)
        await place_by_entry(deps, session, group)
        return JSONResponse({"session": session}, status_code=201)

    async def end_session(request: Request) -> Response:
        body = await read_json(request, SMALL_BODY)
        session = await deps.guard.admit(request, _field(body, "session"))
        return JSONResponse({"ended": await deps.store.sessions.end(session=session)})

    async def post_message(request: Request) -> Response:
        body = await read_json(request, deps.body_cap)
        event = translate(body, deps.max_chars)
        group = _group(deps, body)
        await deps.guard.admit(request, event.sender)
        stored = await store_event(deps, event)
        await place_by_entry(deps, event.sender, group)
        return stored

    async def get_messages(request: Request) -> Response:
        session = await deps.guard.admit(request, request.query_params.get("session", ""))
        page = await conversation(deps, session, before=_before(request))
        messages = [message_json(m) for m in page.messages]
        return JSONResponse({"session": session, "messages": messages, "older": page.older})

    return [
        Route("/widget/api/sessions", new_session, methods=["POST"]),
        Route("/widget/api/sessions/end", end_session, methods=["POST"]),
        Route("/widget/api/messages", post_message, methods=["POST"]),
        Route("/widget/api/messages", get_messages, methods=["GET"]),
    ]


def translate(body: Any, max_chars: int) -> InboundEvent:
    """The widget's message body as an event; BadRequest 400 or 413 saying what is wrong."""
    try:
        return to_event(body, max_chars=max_chars)
    except TextTooLong as exc:
        raise BadRequest(413, str(exc)) from None
    except WidgetInputError as exc:
        raise BadRequest(400, str(exc)) from None


async def store_event(deps: WidgetDeps, event: InboundEvent) -> Response:
    """Store the event durably, then answer 202 with its id."""
    receipt = await record(deps, event)
    body = {"id": receipt.message_id, "duplicate": receipt.duplicate}
    return JSONResponse(body, status_code=202)


async def record(deps: WidgetDeps, event: InboundEvent) -> Receipt:
    """Store the event durably; BadRequest 400 naming the problem when the store refuses its
    content (``Unstorable``, or any other ValueError a step raises over what was sent)."""
    try:
        return await deps.sink(event)
    except ValueError as exc:  # the event's own content (e.g. text the database cannot hold)
        raise BadRequest(400, f"this message cannot be stored: {refused_because(exc)}") from None


def refused_because(exc: ValueError) -> str:
    """Why the store refused an event, in words safe to show its sender (no SQL, no values)."""
    cause = str(exc).split(":", 1)[0].strip() if isinstance(exc, Unstorable) else ""
    cause = cause if cause.isidentifier() else type(exc).__name__
    if "Unicode" in cause:
        return f"its text is not valid Unicode the database can keep ({cause})"
    return f"the database refused a value in it ({cause})"


async def _empty_or_object(request: Request) -> dict[str, Any]:
    """An empty body, or a JSON object (only ``group`` is read)."""
    raw = await read_capped(request, SMALL_BODY)
    if not raw.strip():
        return {}
    require_type(request, JSON_TYPE)
    body = parse_json(raw)
    if not isinstance(body, dict):
        raise BadRequest(400, "body must be empty or a JSON object")
    return body


def _group(deps: WidgetDeps, body: dict[str, Any]) -> str:
    """The customer group the embedding page names (``data-group``); 422 for an unknown one."""
    group = body.get("group")
    if group is None or group == "":
        return ""
    if not isinstance(group, str) or not deps.library.customer_groups.known(group):
        known = ", ".join(deps.library.customer_groups.groups)
        raise BadRequest(422, f"'group' must be one of the customer groups: {known}")
    return group


def _field(body: Any, name: str) -> Any:
    """One field of a JSON object body."""
    if not isinstance(body, dict):
        raise BadRequest(400, "body must be a JSON object")
    return body.get(name)


def _before(request: Request) -> int | None:
    """The ``before`` query parameter: a message id, to page back."""
    raw = request.query_params.get("before", "")
    if not raw:
        return None
    before = whole_number(raw)
    if before is None:
        raise BadRequest(400, "'before' must be a message id")
    return before
