"""POST /inbox/actions — "you said, we did" from the topic's view of the queue (leads and
admins): the same use case as `python -m bot action add`, CSRF checked by the middleware,
audited by the store."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.web import csrf
from bot.web.forms import BadForm, field, read_form
from bot.web.inbox_deps import InboxDeps, actor
from bot.web.numbers import db_int
from bot.web.staff_session import staff_of
from handlers.inbox.roles import Forbidden, allowed, require
from handlers.you_said import ActionRefused, ActionSpec, Recorded, YouSaid

Form = dict[str, list[str]]
MAX_TEXT = 2000


def routes(deps: InboxDeps, you_said: YouSaid) -> list[Route]:
    """The form's post."""

    async def record(request: Request) -> Response:
        who = actor(staff_of(request))
        try:
            require(who, "record_action")  # before reading the form: an agent learns only this
            form = await read_form(request)
            spec, day = spec_of(form), day_of(field(form, "since"))
            notify = field(form, "notify") == "1"
            done = await you_said.record(spec, by=who, notify=notify, day=day)
        except Forbidden as exc:
            return _refused(deps, request, 403, f"Not allowed: {exc}.")
        except (ActionRefused, BadForm) as exc:
            return _refused(deps, request, 400, f"Not recorded: {exc}.")
        return RedirectResponse(back(spec.topic, done), status_code=303)

    return [Route("/inbox/actions", record, methods=["POST"])]


def context(request: Request, role: str, topic: str) -> dict[str, object]:
    """What the queue page needs to show the form (on a topic's view, to leads and admins)."""
    params = request.query_params
    found = params.get("recorded", "")
    told = db_int(params.get("told", ""))
    shown = {"id": found, "told": "" if told is None else str(told)}
    recorded = shown if db_int(found) is not None else None
    return {"may_record": bool(topic) and allowed(role, "record_action"), "recorded": recorded}


def spec_of(form: Form) -> ActionSpec:
    """The form's fields as the use case takes them (the answer is what we did, or what we
    cannot change, as the outcome says)."""
    said, answer, why = (field(form, n).strip() for n in ("said", "answer", "why"))
    if max(len(said), len(answer), len(why)) > MAX_TEXT:
        raise BadForm(f"each text is at most {MAX_TEXT} characters")
    outcome = field(form, "outcome")
    if outcome not in ("did", "cannot"):
        raise BadForm("choose whether we did something or cannot change it")
    if not said:
        raise BadForm("write what people told us")
    if not answer:
        raise BadForm("write what we did" if outcome == "did" else "write what we cannot change")
    if outcome == "cannot" and not why:
        raise BadForm("say why we cannot change it")
    topic = field(form, "topic").strip()
    if outcome == "did":
        return ActionSpec(topic, said, did=answer)
    return ActionSpec(topic, said, cannot=answer, why=why)


def day_of(text: str) -> date | None:
    """The 'since' date (YYYY-MM-DD), or None when left empty."""
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadForm("'since' must be a date such as 2026-11-01") from None


def back(topic: str, done: Recorded) -> str:
    """The topic's view again, saying what was recorded and how many were told."""
    told = sum(done.told.values())
    return "/inbox/?" + urlencode({"topic": topic, "recorded": done.action_id, "told": told})


def _refused(deps: InboxDeps, request: Request, status: int, message: str) -> Response:
    context = {"staff": staff_of(request), "csrf": csrf.token(request), "title": "Not recorded"}
    return deps.render(request, "inbox/error.html", context | {"message": message}, status)
