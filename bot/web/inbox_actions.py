"""POST /inbox/items/{id}/{action}, /inbox/bulk and /inbox/seen: the queue's state changes.

Each is a plain form post (CSRF checked by the middleware); it redirects back (303) with what
was done, or shows the item again with the reason it was not (4xx)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.events import utcnow
from bot.web import csrf
from bot.web.forms import BadForm, field, read_form
from bot.web.inbox_deps import InboxDeps, actor
from bot.web.inbox_item import SNOOZE_HOURS, render_item, render_resolve_check
from bot.web.numbers import db_int, id_param
from bot.web.staff_session import staff_of
from handlers.inbox.roles import Actor, Forbidden
from models.store.inbox.types import InboxError, NoSuchItem

Form = dict[str, list[str]]
Action = Callable[[InboxDeps, Actor, int, Form], Awaitable[object]]


class Refused(ValueError):
    """The form asks for something the action cannot take; the message says what."""


def _text(form: Form, deps: InboxDeps) -> str:
    text = field(form, "text").strip()
    if not text:
        raise Refused("write something first")
    if len(text) > deps.max_chars:
        raise Refused(f"at most {deps.max_chars} characters, please")
    return text


def _int(form: Form, name: str) -> int:
    value = db_int(field(form, name))
    if value is None:
        raise Refused(f"'{name}' must be a whole number (0-9 only)")
    return value


async def _claim(deps: InboxDeps, who: Actor, item_id: int, form: Form) -> None:
    result = await deps.inbox.claim(who, item_id)
    if not result.won:
        raise InboxError(f"{result.assignee or 'someone else'} has already claimed this item")


async def _assign(deps: InboxDeps, who: Actor, item_id: int, form: Form) -> None:
    staff_id = _int(form, "staff_id") if field(form, "staff_id") else None
    team = field(form, "team").strip()[:64] or None
    await deps.inbox.assign(who, [item_id], staff_id=staff_id, team=team)


async def _snooze(deps: InboxDeps, who: Actor, item_id: int, form: Form) -> None:
    hours = _int(form, "hours")
    if hours not in dict(SNOOZE_HOURS):
        raise Refused("choose how long to snooze from the list")
    await deps.inbox.snooze(who, item_id, utcnow() + timedelta(hours=hours))


async def _relabel(deps: InboxDeps, who: Actor, item_id: int, form: Form) -> Response | None:
    name, value = field(form, "field"), field(form, "value")
    known = deps.topics if name == "topic" else ("negative", "neutral", "positive")
    if name not in ("topic", "sentiment") or value not in known:
        raise Refused("choose a topic or sentiment from the list")
    moved = await deps.inbox.relabel(who, item_id, field=name, value=value)
    if moved is None:
        return None
    return RedirectResponse(f"/inbox/items/{item_id}?done=relabel_moved", status_code=303)


async def _move(deps: InboxDeps, who: Actor, item_id: int, form: Form) -> None:
    await deps.inbox.moves.move(who, item_id, field(form, "team"))


async def _split(deps: InboxDeps, who: Actor, item_id: int, form: Form) -> Response:
    ids = [_id(v) for v in form.get("message_ids", [])][:200]
    if not ids:
        raise Refused("tick the messages to split off")
    topic, priority = field(form, "topic"), field(form, "priority")
    if topic not in deps.topics:
        raise Refused("choose the new item's topic from the list")
    new_id = await deps.inbox.moves.split(
        who, item_id, ids, topic=topic, priority=priority, team=field(form, "team")
    )
    return RedirectResponse(f"/inbox/items/{new_id}?done=split_off", status_code=303)


def _id(raw: str) -> int:
    value = db_int(raw)
    if value is None:
        raise Refused("the ticked items' numbers are not item numbers")
    return value


ACTIONS: dict[str, Action] = {
    "claim": _claim,
    "unclaim": lambda d, w, i, f: d.inbox.unclaim(w, i),
    "assign": _assign,
    "priority": lambda d, w, i, f: d.inbox.set_priority(w, i, field(f, "priority")),
    "reply": lambda d, w, i, f: d.inbox.reply(w, i, _text(f, d)),
    "note": lambda d, w, i, f: d.inbox.note(w, i, _text(f, d)),
    "relabel": _relabel,
    "move": _move,
    "split": _split,
    "snooze": _snooze,
    "resolve": lambda d, w, i, f: d.inbox.resolve(w, [i]),
    "reopen": lambda d, w, i, f: d.inbox.reopen(w, i),
    "retry": lambda d, w, i, f: d.inbox.retry_reply(w, _int(f, "entry_id")),
}
ANCHOR = {"reply": "#conv-heading", "note": "#conv-heading"}


def routes(deps: InboxDeps) -> list[Route]:
    """The action routes."""

    async def act(request: Request) -> Response:
        item_id, name = request.path_params["item_id"], request.path_params["action"]
        if name not in ACTIONS:
            return await render_item(deps, request, item_id, error="unknown action", status=404)
        who = actor(staff_of(request))
        try:
            form = await read_form(request)
            if name == "resolve" and not await _may_resolve_now(deps, who, item_id, form):
                return await render_resolve_check(deps, request, item_id)
            answer = await ACTIONS[name](deps, who, item_id, form)
        except (Forbidden, NoSuchItem, InboxError, Refused, BadForm) as exc:
            status, message = refusal(deps, exc)
            return await render_item(deps, request, item_id, error=message, status=status)
        if isinstance(answer, Response):
            return answer
        target = f"/inbox/items/{item_id}?done={name}{ANCHOR.get(name, '')}"
        return RedirectResponse(target, status_code=303)

    async def bulk_route(request: Request) -> Response:
        return await bulk(deps, request)

    async def seen_route(request: Request) -> Response:
        return await seen(deps, request)

    return [
        Route(f"/inbox/items/{id_param('item_id')}/{{action:str}}", act, methods=["POST"]),
        Route("/inbox/bulk", bulk_route, methods=["POST"]),
        Route("/inbox/seen", seen_route, methods=["POST"]),
    ]


async def _may_resolve_now(deps: InboxDeps, who: Actor, item_id: int, form: Form) -> bool:
    """A resolve that would message the person (the rating question) is asked about first:
    it goes ahead only from the confirmation form (``confirm=yes``)."""
    return field(form, "confirm") == "yes" or not await deps.inbox.resolve_would_ask(who, item_id)


def refusal(deps: InboxDeps, exc: Exception) -> tuple[int, str]:
    """The status and words for an action that was not done (teams named by name)."""
    if isinstance(exc, Forbidden):
        return 403, f"Not allowed: {deps.words(exc)}."
    if isinstance(exc, NoSuchItem):
        return 404, ""
    return (409 if isinstance(exc, InboxError) else 400), deps.words(exc)


async def bulk(deps: InboxDeps, request: Request) -> Response:
    """Assign or resolve the ticked items."""
    who = actor(staff_of(request))
    try:
        form = await read_form(request)
        back = field(form, "back")
        back = back if back.startswith("/inbox/") and "//" not in back else "/inbox/"
        asking = await _would_ask(deps, who, form)
        if asking:
            return _bulk_check(deps, request, form, asking, back)
        await _bulk(deps, who, form)
    except (Forbidden, InboxError, Refused, BadForm) as exc:
        return _problem(deps, request, *refusal(deps, exc))
    return RedirectResponse(back, status_code=303)


async def _would_ask(deps: InboxDeps, who: Actor, form: Form) -> int:
    """How many of the ticked items a bulk resolve would send the rating question to (0 when
    it is not a resolve, or it was confirmed)."""
    if field(form, "action") != "resolve" or field(form, "confirm") == "yes":
        return 0
    ids = [_id(v) for v in form.get("ids", [])][:500]
    return sum([await deps.inbox.resolve_would_ask(who, i) for i in ids])


def _bulk_check(deps: InboxDeps, request: Request, form: Form, asking: int, back: str) -> Response:
    """Before a bulk resolve that messages people: how many, with Resolve and Cancel."""
    context = {
        "staff": staff_of(request),
        "csrf": csrf.token(request),
        "ids": [_id(v) for v in form.get("ids", [])][:500],
        "asking": asking,
        "back": back,
        "question": deps.inbox.rating_question,
    }
    return deps.render(request, "inbox/resolve_many_check.html", context)


async def _bulk(deps: InboxDeps, who: Actor, form: Form) -> None:
    ids = [_id(v) for v in form.get("ids", [])][:500]
    if ids and field(form, "action") == "assign":
        await deps.inbox.assign(who, ids, staff_id=_int(form, "staff_id"), team=None)
    elif ids and field(form, "action") == "resolve":
        await deps.inbox.resolve(who, ids)


async def seen(deps: InboxDeps, request: Request) -> Response:
    """Mark the queue as seen now ("new since I last looked" starts again)."""
    await deps.store.staff.mark_queue_seen(staff_id=staff_of(request).id, now=utcnow())
    return RedirectResponse("/inbox/", status_code=303)


def _problem(deps: InboxDeps, request: Request, status: int, message: str) -> Response:
    context = {"staff": staff_of(request), "csrf": csrf.token(request), "title": "Not done"}
    return deps.render(request, "inbox/error.html", context | {"message": message}, status)
