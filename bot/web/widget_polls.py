"""Polls on the feedback page: open widget polls with buttons, and their JSON API. A vote counts
only from an issued session, within its rate limits (and its address's on that poll), on an open
poll, for one of its options; it carries its address as a keyed hash, for the results."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.adapters.widget import WidgetInputError, vote_event
from bot.events import Channel, InboundEvent, poll_id_of
from bot.web.body import BadRequest, read_form, read_json, whole_number
from bot.web.page_language import page_language, page_query
from bot.web.widget_api import record, store_event
from bot.web.widget_deps import WidgetDeps, open_polls
from handlers.polls.vote_check import Problem, refusal

BODY_CAP = 4096
STATUS = {Problem.NO_POLL: 404, Problem.NOT_OPEN: 409, Problem.NO_OPTION: 422}
FORM_FIELDS = ("session", "client_id", "poll_id", "option", "embed", "lang")


def routes(deps: WidgetDeps) -> list[Route]:
    """/widget/api/polls, /widget/api/votes and the no-JavaScript /widget/vote form."""

    async def list_polls(request: Request) -> Response:
        session = await deps.guard.admit(request, request.query_params.get("session", ""))
        say = deps.wording.speaking(page_language(request, deps.wording))
        return JSONResponse({"polls": await open_polls(deps, session, say)})

    async def post_vote(request: Request) -> Response:
        event = await checked_vote(deps, request, await read_json(request, BODY_CAP))
        return await store_event(deps, event)

    async def post_form(request: Request) -> Response:
        form = await read_form(request, BODY_CAP, FORM_FIELDS)
        poll_id = whole_number(form["poll_id"], digits=10) or 0
        await record(deps, await checked_vote(deps, request, {**form, "poll_id": poll_id}))
        back = f"/widget?voted={poll_id}{page_query(form)}#poll-{poll_id}"
        return RedirectResponse(back, status_code=303)

    return [
        Route("/widget/api/polls", list_polls, methods=["GET"]),
        Route("/widget/api/votes", post_vote, methods=["POST"]),
        Route("/widget/vote", post_form, methods=["POST"]),
    ]


async def checked_vote(deps: WidgetDeps, request: Request, body: Any) -> InboundEvent:
    """The vote as an event, once its form, session, limits, poll and option all check out."""
    try:
        event = vote_event(body)
    except WidgetInputError as exc:
        raise BadRequest(400, str(exc)) from None
    await deps.guard.admit(request, event.sender)
    assert event.vote is not None
    poll_id = poll_id_of(event.vote.poll_ref)
    poll = None if poll_id is None else await deps.store.polls.get(poll_id=poll_id)
    refused = refusal(poll, channel=Channel.WIDGET.value, options=event.vote.options)
    if refused is not None:
        raise BadRequest(STATUS[refused.problem], refused.reason)
    assert poll_id is not None
    origin = deps.guard.vote(request, poll_id)  # 429 when this address voted on it too often
    return replace(event, vote=replace(event.vote, origin=origin))
