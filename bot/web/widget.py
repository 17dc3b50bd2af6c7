"""The web feedback widget: an accessible page, an embeddable snippet, and its JSON API."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from bot.adapters.base import Receipt
from bot.adapters.widget import TOKEN, TextTooLong, WidgetInputError, to_event
from bot.events import Channel, InboundEvent
from bot.web.body import BodyTooLarge, error, parse_json, read_capped
from config.library import LibraryConfig
from models.store import Store
from models.store.views import CONVERSATION_KINDS, MessageView

COOKIE = "feedbot_session"


@dataclass(frozen=True)
class WidgetDeps:
    """What the widget routes need."""

    sink: Callable[[InboundEvent], Awaitable[Receipt]]
    store: Store
    library: LibraryConfig
    templates: Jinja2Templates
    max_chars: int

    @property
    def body_cap(self) -> int:
        return self.max_chars * 4 + 4096


def routes(deps: WidgetDeps) -> list[Route]:
    """The /widget routes."""

    async def post_message(request: Request) -> Response:
        return await accept_json(
            request, deps, deps.body_cap, lambda body: to_event(body, max_chars=deps.max_chars)
        )

    async def get_messages(request: Request) -> Response:
        session = request.query_params.get("session", "")
        if not TOKEN.match(session):
            return error(400, "'session' must be 8-128 letters, digits, '-' or '_'")
        return JSONResponse(
            {"session": session, "messages": [_json(m) for m in await _conversation(deps, session)]}
        )

    async def page(request: Request) -> Response:
        session = request.cookies.get(COOKIE, "")
        session = session if TOKEN.match(session) else secrets.token_urlsafe(18)
        context = {
            "library": deps.library,
            "session": session,
            "client_id": secrets.token_urlsafe(12),
            "messages": await _conversation(deps, session),
            "polls": await open_polls(deps, session),
            "voted": request.query_params.get("voted", ""),
            "max_chars": deps.max_chars,
            "sent": request.query_params.get("sent") == "1",
            "embedded": request.query_params.get("embed") == "1",
        }
        response = deps.templates.TemplateResponse(request, "widget.html", context)
        response.set_cookie(COOKIE, session, max_age=180 * 86400, httponly=True, samesite="lax")
        return response

    async def post_form(request: Request) -> Response:
        try:
            form = parse_qs((await read_capped(request, deps.body_cap)).decode("utf-8"))
        except BodyTooLarge:
            return error(413, "message is too long")
        except UnicodeDecodeError:
            return error(400, "form is not UTF-8")
        body = {k: form.get(k, [""])[0] for k in ("session", "client_id", "text")}
        if body["session"] != request.cookies.get(COOKIE):
            return error(400, "session does not match this browser; reload the page")
        try:
            event = to_event(body, max_chars=deps.max_chars)
        except TextTooLong as exc:
            return error(413, str(exc))
        except WidgetInputError as exc:
            return error(400, str(exc))
        await deps.sink(event)
        embed = "&embed=1" if form.get("embed") == ["1"] else ""
        return RedirectResponse(f"/widget?sent=1{embed}#conversation", status_code=303)

    async def embed_js(request: Request) -> Response:
        return deps.templates.TemplateResponse(
            request,
            "embed.js",
            {"origin": str(request.base_url).rstrip("/")},
            media_type="application/javascript",
        )

    return [
        Route("/widget", page, methods=["GET"]),
        Route("/widget/send", post_form, methods=["POST"]),
        Route("/widget/embed.js", embed_js, methods=["GET"]),
        Route("/widget/api/messages", post_message, methods=["POST"]),
        Route("/widget/api/messages", get_messages, methods=["GET"]),
    ]


async def accept_json(
    request: Request,
    deps: WidgetDeps,
    cap: int,
    translate: Callable[[Any], InboundEvent],
) -> Response:
    """Read a JSON body, translate it, store it; 202 with the id once durable, else 4xx JSON."""
    try:
        event = translate(parse_json(await read_capped(request, cap)))
    except (BodyTooLarge, TextTooLong) as exc:
        return error(413, str(exc) or f"body is larger than {cap} bytes")
    except WidgetInputError as exc:
        return error(400, str(exc))
    except (ValueError, UnicodeDecodeError):
        return error(400, "body is not valid JSON")
    receipt = await deps.sink(event)
    body = {"id": receipt.message_id, "duplicate": receipt.duplicate}
    return JSONResponse(body, status_code=202)


async def open_polls(deps: WidgetDeps, session: str) -> list[dict[str, Any]]:
    """Open widget polls, each with this session's current answer."""
    answers = await deps.store.answers_of(Channel.WIDGET.value, session)
    return [
        {
            "id": p.id,
            "question": p.question,
            "kind": p.kind,
            "options": [{"key": k, "label": label} for k, label in p.options],
            "your_answer": answers.get(p.id, []),
        }
        for p in await deps.store.open_polls(Channel.WIDGET.value, session)
    ]


async def _conversation(deps: WidgetDeps, session: str) -> list[MessageView]:
    conv = await deps.store.conversation_at(channel=Channel.WIDGET.value, chat=session)
    if conv is None:
        return []
    return await deps.store.messages(
        conversation_id=conv, limit=500, newest_first=False, kinds=CONVERSATION_KINDS
    )


def _json(m: MessageView) -> dict[str, Any]:
    return {
        "id": m.id,
        "from": "you" if m.direction == "in" else "library",
        "text": m.text,
        "created_at": m.created_at.isoformat(),
    }
