"""The web feedback widget: an accessible page that works without JavaScript, and the snippet
that embeds it on the library's own site."""

from __future__ import annotations

import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.events import Channel
from bot.web import widget_api
from bot.web.body import BadRequest, read_form, whole_number
from bot.web.page_language import (
    embed_text,
    lifetime,
    page_language,
    page_query,
    script_text,
)
from bot.web.security import secure_cookies
from bot.web.widget_deps import COOKIE, WidgetDeps, conversation, open_polls, place_by_entry
from models.store.inbound.record import pseudonym
from models.store.people.names import short_name

__all__ = ["WidgetDeps", "routes"]

FORM_FIELDS = ("session", "client_id", "text", "embed", "lang", "group")


def routes(deps: WidgetDeps) -> list[BaseRoute]:
    """The /widget page, its no-JavaScript forms, the embed snippet and the JSON API."""

    async def page(request: Request) -> Response:
        session, notice = await _page_session(deps, request)
        context = await page_context(deps, request, session)
        context["notice"] = notice
        context["group"] = entry_group(deps, request.query_params.get("group", ""))
        response = deps.templates.TemplateResponse(request, "widget.html", context)
        if session:  # each visit renews the cookie, as each use renews the session
            _set_cookie(response, deps, session)
        return response

    async def post_form(request: Request) -> Response:
        form = await read_form(request, deps.body_cap, FORM_FIELDS)
        event = widget_api.translate(form, deps.max_chars)
        await deps.guard.admit(request, event.sender)
        await widget_api.record(deps, event)
        await place_by_entry(deps, event.sender, entry_group(deps, form.get("group", "")))
        return RedirectResponse(_back(form, "sent=1", "#latest"), status_code=303)

    async def end_form(request: Request) -> Response:
        form = await read_form(request, 1024, ("session", "embed", "lang"))
        session = await deps.guard.admit(request, form["session"])
        await deps.store.sessions.end(session=session)
        response = RedirectResponse(_back(form, "ended=1", "#main"), status_code=303)
        response.delete_cookie(COOKIE, path="/widget", secure=secure_cookies(deps.public_url))
        return response

    async def embed_js(request: Request) -> Response:
        response = deps.templates.TemplateResponse(
            request,
            "embed.js",
            {"origin": deps.public_url, "words": embed_text(deps.wording)},
            media_type="application/javascript",
        )
        response.headers["cache-control"] = "public, max-age=300"
        return response

    return [
        Route("/widget", page, methods=["GET"]),
        Route("/widget/send", post_form, methods=["POST"]),
        Route("/widget/end", end_form, methods=["POST"]),
        Route("/widget/embed.js", embed_js, methods=["GET"]),
        *widget_api.routes(deps),
    ]


async def page_context(deps: WidgetDeps, request: Request, session: str) -> dict[str, Any]:
    """What the page template shows for this session, in the page's language."""
    query = request.query_params
    before = whole_number(query.get("before", ""))
    page = await conversation(deps, session, before=before)
    say = deps.wording.speaking(page_language(request, deps.wording))
    return {
        "library": deps.library,
        "local_time": deps.local_time,
        "lang": say.language,
        "t": say.text,
        "script_text": script_text(say),
        "session": session,
        "client_id": secrets.token_urlsafe(12),
        "panel_client_id": secrets.token_urlsafe(12),
        "messages": page.messages,
        "older": page.older,
        "paged": before is not None,
        "polls": await open_polls(deps, session, say) if session else [],
        "voted": query.get("voted", ""),
        "max_chars": deps.max_chars,
        "sent": query.get("sent") == "1",
        "ended": query.get("ended") == "1",
        "embedded": query.get("embed") == "1",
        "session_lifetime": lifetime(deps.guard.limits.lifetime.total_seconds(), say),
        "reference": reference(deps, session) if session else "",
    }


def reference(deps: WidgetDeps, session: str) -> str:
    """What the widget shows a person to quote in a data request: the short pseudonym staff
    see for them (from their session's contact)."""
    return short_name(pseudonym(deps.store.pseudonym_key, Channel.WIDGET.value, session))


def entry_group(deps: WidgetDeps, group: str) -> str:
    """The page's ``?group=`` (``data-group`` of the embedding page) if the library knows it;
    "" for none or an unknown one (ignored: a typo in a link must not break the page)."""
    return group if group and deps.library.customer_groups.known(group) else ""


async def _page_session(deps: WidgetDeps, request: Request) -> tuple[str, str]:
    """The cookie's session if still live, else a new one; ('', why) when none can be had."""
    cookie = request.cookies.get(COOKIE, "")
    try:
        if cookie and await deps.guard.live(request, cookie):
            return cookie, ""
        return await deps.guard.issue(request), ""
    except BadRequest as exc:
        return "", str(exc)


def _set_cookie(response: Response, deps: WidgetDeps, session: str) -> None:
    """Keep the session in a first-party cookie (embedded pages keep it in the frame's storage)."""
    response.set_cookie(
        COOKIE,
        session,
        max_age=deps.cookie_age,
        path="/widget",
        httponly=True,
        samesite="lax",
        secure=secure_cookies(deps.public_url),  # the session id never travels in clear
    )


def _back(form: dict[str, str], flag: str, anchor: str) -> str:
    """Where a form post sends the browser back to (embedded or not, in the same language)."""
    return f"/widget?{flag}{page_query(form)}{anchor}"
