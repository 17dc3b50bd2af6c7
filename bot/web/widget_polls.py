"""Polls on the feedback page: open widget polls with buttons, and their JSON API."""

from __future__ import annotations

from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.adapters.widget import TOKEN, WidgetInputError, vote_event
from bot.web.body import BodyTooLarge, error, read_capped
from bot.web.widget import COOKIE, WidgetDeps, accept_json, open_polls

BODY_CAP = 4096


def routes(deps: WidgetDeps) -> list[Route]:
    """/widget/api/polls, /widget/api/votes and the no-JavaScript /widget/vote form."""

    async def list_polls(request: Request) -> Response:
        session = request.query_params.get("session", "")
        if not TOKEN.match(session):
            return error(400, "'session' must be 8-128 letters, digits, '-' or '_'")
        return JSONResponse({"polls": await open_polls(deps, session)})

    async def post_vote(request: Request) -> Response:
        return await accept_json(request, deps, BODY_CAP, vote_event)

    async def post_form(request: Request) -> Response:
        try:
            form = parse_qs((await read_capped(request, BODY_CAP)).decode("utf-8"))
            fields = {
                k: form.get(k, [""])[0] for k in ("session", "client_id", "poll_id", "option")
            }
            if fields["session"] != request.cookies.get(COOKIE):
                return error(400, "session does not match this browser; reload the page")
            poll_id = int(fields["poll_id"]) if fields["poll_id"].isdigit() else 0
            event = vote_event({**fields, "poll_id": poll_id})
        except BodyTooLarge:
            return error(413, "form is too large")
        except (WidgetInputError, UnicodeDecodeError) as exc:
            return error(400, str(exc) or "form is not UTF-8")
        await deps.sink(event)
        embed = "&embed=1" if form.get("embed") == ["1"] else ""
        return RedirectResponse(f"/widget?voted={poll_id}{embed}#poll-{poll_id}", status_code=303)

    return [
        Route("/widget/api/polls", list_polls, methods=["GET"]),
        Route("/widget/api/votes", post_vote, methods=["POST"]),
        Route("/widget/vote", post_form, methods=["POST"]),
    ]
