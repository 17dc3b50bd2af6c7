"""The poll pages (leads): the list of polls, /inbox/polls/new to draft, schedule and send one
with the "what we already know" panel beside it (a fragment fetched as the question is typed,
or a "Check" button without JavaScript), and the list of messages behind the panel's link.
Roles are checked in the use cases; CSRF by the middleware; the store audits."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.web import csrf
from bot.web.forms import BadForm, read_form
from bot.web.inbox_deps import InboxDeps, actor
from bot.web.poll_form import KIND_NAMES, Channels, Filled, draft_of, filled
from bot.web.staff_session import staff_of
from handlers.inbox.roles import Forbidden, require
from handlers.polls.drafting import PollDesk
from handlers.polls.knowledge import Knowledge, Known
from handlers.polls.questions import summary_line
from handlers.polls.service import PollRefused

DONE = {
    "draft": "Poll {poll} saved as a draft.",
    "scheduled": "Poll {poll} is scheduled.",
    "sent": "Poll {poll} is open: {posted} post(s) queued.",
    "held": "Poll {poll} waits out {period}: it goes out on {day}.",
}


@dataclass(frozen=True)
class PollTools:
    """The poll use cases the pages call, and the channels a poll can go to here."""

    desk: PollDesk
    knowledge: Knowledge
    channels: Channels


@dataclass(frozen=True)
class PollPages:
    """What the poll pages need."""

    inbox: InboxDeps
    desk: PollDesk
    knowledge: Knowledge
    channels: Channels


def routes(inbox: InboxDeps, tools: PollTools) -> list[Route]:
    """The poll pages' routes (before the inbox's catch-all)."""
    deps = PollPages(inbox, tools.desk, tools.knowledge, tools.channels)

    async def listing(request: Request) -> Response:
        return await _guarded(deps, request, _list)

    async def new(request: Request) -> Response:
        return await _guarded(deps, request, _new)

    async def create(request: Request) -> Response:
        return await _guarded(deps, request, _create)

    async def known(request: Request) -> Response:
        return await _guarded(deps, request, _known)

    async def related(request: Request) -> Response:
        return await _guarded(deps, request, _related)

    return [
        Route("/inbox/polls", listing, methods=["GET"]),
        Route("/inbox/polls/new", new, methods=["GET"]),
        Route("/inbox/polls/new", create, methods=["POST"]),
        Route("/inbox/polls/known", known, methods=["GET"]),
        Route("/inbox/polls/related", related, methods=["GET"]),
    ]


Page = Callable[[PollPages, Request], Awaitable[Response]]


async def _guarded(deps: PollPages, request: Request, page: Page) -> Response:
    """Run a page; a member of staff whose role does not allow polls gets a 403 page."""
    try:
        return await page(deps, request)
    except Forbidden as exc:
        return deps.inbox.error(request, 403, "Not allowed", f"Not allowed: {exc}.")


def _base(request: Request, title: str) -> dict[str, object]:
    return {"staff": staff_of(request), "csrf": csrf.token(request), "title": title}


async def _list(deps: PollPages, request: Request) -> Response:
    require(actor(staff_of(request)), "poll")
    done = DONE.get(request.query_params.get("done", ""), "")
    shown = done.format(**{k: v for k, v in request.query_params.items() if k != "done"})
    context = _base(request, "Polls") | {
        "active": "polls",
        "polls": await deps.inbox.store.polls.all(),
        "questions": [
            (s.topic, summary_line(s)) for s in await deps.inbox.store.polls.question_summaries()
        ],
        "done": shown if done else "",
    }
    return deps.inbox.render(request, "inbox/polls.html", context)


async def _new(deps: PollPages, request: Request) -> Response:
    """The empty form, or (the "Check" button without JavaScript) the form as filled in with
    the panel for its question."""
    who = actor(staff_of(request))
    require(who, "poll")
    params = {k: request.query_params.getlist(k) for k in request.query_params}
    values = filled(params, deps.channels) if params else Filled(to=list(deps.channels.ready))
    known = await _panel(deps, request, values) if "check" in params else None
    return _form(deps, request, values, known)


async def _create(deps: PollPages, request: Request) -> Response:
    who = actor(staff_of(request))
    require(who, "poll")
    try:
        form = await read_form(request)
    except BadForm as exc:
        return _form(deps, request, Filled(errors={"question": str(exc)}), None, 400)
    values = filled(form, deps.channels)
    sending = form.get("action", [""])[0] == "send"
    try:
        draft = draft_of(values, deps.desk.zone)
        poll_id = await deps.desk.create(draft, by=who)
    except PollRefused as exc:
        values.refuse(exc)
        return _form(deps, request, values, await _panel(deps, request, values), 400)
    if not sending:
        state = "scheduled" if draft.opens_at else "draft"
        return _done(state, poll=poll_id)
    sent = await deps.desk.send(poll_id, by=who, even_in_quiet=draft.even_in_quiet)
    if sent.held is not None:
        day = f"{sent.held.until.astimezone(deps.desk.zone):%A %d %B %Y}"
        return _done("held", poll=poll_id, period=sent.held.period, day=day)
    return _done("sent", poll=poll_id, posted=sent.posted)


def _done(state: str, **facts: object) -> Response:
    query = urlencode({"done": state, **{k: str(v) for k, v in facts.items()}})
    return RedirectResponse(f"/inbox/polls?{query}", status_code=303)


async def _known(deps: PollPages, request: Request) -> Response:
    """The panel alone (fetched as the question is typed)."""
    params = {k: request.query_params.getlist(k) for k in request.query_params}
    values = filled(params, deps.channels)
    known = await _panel(deps, request, values)
    context = _base(request, "What we already know") | {
        "known": known,
        "filled": values,
        "related_query": urlencode({"question": values.question}),
    }
    return deps.inbox.render(request, "inbox/_known.html", context)


async def _related(deps: PollPages, request: Request) -> Response:
    """Exactly the messages the panel counted (the most similar first)."""
    question = request.query_params.get("question", "")[:500]
    now = datetime.now(UTC)
    quotes = await deps.knowledge.messages(actor(staff_of(request)), question, now)
    context = _base(request, "Messages on this subject") | {
        "active": "polls",
        "question": question,
        "quotes": quotes,
    }
    return deps.inbox.render(request, "inbox/poll_related.html", context)


async def _panel(deps: PollPages, request: Request, values: Filled) -> Known:
    channels = values.to or list(deps.channels.ready)
    who = actor(staff_of(request))
    return await deps.knowledge.about(who, values.question, channels, datetime.now(UTC))


def _form(
    deps: PollPages, request: Request, values: Filled, known: Known | None, status: int = 200
) -> Response:
    now = datetime.now(UTC)
    quiet = deps.desk.hold_at(now)
    context = _base(request, "New poll") | {
        "active": "polls",
        "filled": values,
        "known": known,
        "kinds": KIND_NAMES,
        "channels": deps.channels,
        "quiet": quiet,
        "related_query": urlencode({"question": values.question}),
        "values": asdict(values),
    }
    return deps.inbox.render(request, "inbox/poll_new.html", context, status)
