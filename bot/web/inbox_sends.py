"""/inbox/sends/new — build an audience, see the dry run's counts, send (leads and admins):
the same use case as `python -m bot send`, roles checked in it, CSRF checked by the middleware,
every send audited by the store. The panel's members are shown by group, as pseudonyms."""

from __future__ import annotations

from datetime import date, datetime, time
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.web import csrf
from bot.web.forms import BadForm, field, read_form
from bot.web.inbox_deps import InboxDeps, actor
from bot.web.numbers import db_int
from bot.web.staff_session import staff_of
from handlers.digest.figures import pseudonymous_name
from handlers.inbox.roles import Actor, Forbidden, require
from handlers.reach.service import Report, Sends
from handlers.reach.spec import SendRefused, SendSpec

Form = dict[str, list[str]]
MAX_TEXT = 2000


def routes(deps: InboxDeps, sends: Sends) -> list[Route]:
    """The page, its dry run and its send."""

    async def page(request: Request) -> Response:
        who = actor(staff_of(request))
        try:
            require(who, "send")
        except Forbidden as exc:
            return _refused(deps, request, 403, f"Not allowed: {exc}.")
        sent = db_int(request.query_params.get("sent", ""))
        return await _show(deps, sends, request, {}, None, sent=sent)

    async def preview(request: Request) -> Response:
        return await _act(request, dry=True)

    async def send(request: Request) -> Response:
        return await _act(request, dry=False)

    async def _act(request: Request, *, dry: bool) -> Response:
        who = actor(staff_of(request))
        form: Form = {}
        try:
            require(who, "send")  # before reading the form: an agent learns only this
            form = await read_form(request)
            report = await _run(sends, spec_of(form, deps), who, dry)
        except Forbidden as exc:
            return _refused(deps, request, 403, f"Not allowed: {exc}.")
        except (SendRefused, BadForm) as exc:
            return await _show(deps, sends, request, form, None, str(exc), 400)
        if dry:
            return await _show(deps, sends, request, form, report)
        query = urlencode({"sent": report.send_id or 0})
        return RedirectResponse(f"/inbox/sends/new?{query}", status_code=303)

    return [
        Route("/inbox/sends/new", page),
        Route("/inbox/sends/preview", preview, methods=["POST"]),
        Route("/inbox/sends", send, methods=["POST"]),
    ]


async def _run(sends: Sends, spec: SendSpec, who: Actor, dry: bool) -> Report:
    if dry:
        return await sends.preview(spec, by=who)
    return await sends.send(spec, by=who)


def spec_of(form: Form, deps: InboxDeps) -> SendSpec:
    """The form's fields as the use case takes them."""
    text = field(form, "text").strip()
    if len(text) > MAX_TEXT:
        raise BadForm(f"the message is at most {MAX_TEXT} characters")
    poll = field(form, "poll").strip()
    poll_id = db_int(poll) if poll else None
    if poll and poll_id is None:
        raise BadForm("the poll is its number, e.g. 12")
    share = field(form, "sample").strip() or "100"
    percent = db_int(share)
    if percent is None or not 1 <= percent <= 100:
        raise BadForm("send to between 1 and 100 per cent of the audience")
    return SendSpec(
        poll_id=poll_id,
        text=text,
        groups=tuple(form.get("group", [])),
        channels=tuple(form.get("channel", [])),
        topics=tuple(form.get("topic", [])),
        panel=field(form, "panel") == "1",
        silent_since=_day(field(form, "silent_since"), "not heard from since", deps),
        raised_since=_day(field(form, "since"), "raised since", deps),
        sample=percent / 100,
        even_in_quiet=field(form, "even_in_quiet") == "1",
    )


def _day(text: str, name: str, deps: InboxDeps) -> datetime | None:
    """A date field (YYYY-MM-DD) as midnight in the library's zone, or None when empty."""
    if not text.strip():
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise BadForm(f"'{name}' must be a date such as 2026-10-01") from None
    return datetime.combine(day, time(0), tzinfo=deps.zone)


async def _show(
    deps: InboxDeps,
    sends: Sends,
    request: Request,
    form: Form,
    report: Report | None,
    error: str = "",
    status: int = 200,
    *,
    sent: int | None = None,
) -> Response:
    members = await deps.store.reach.panel_members()
    recent = await deps.store.reach.recent(limit=10)
    panel: dict[str, list[str]] = {}
    for group, pseudonym, _ in members:
        panel.setdefault(group or "unknown", []).append(pseudonymous_name(pseudonym))
    context = {
        "staff": staff_of(request),
        "csrf": csrf.token(request),
        "active": "sends",
        "known": sends.known,
        "form": form,
        "report": report,
        "error": error,
        "sent": next((s for s in recent if s["id"] == sent), None) if sent else None,
        "recent": recent,
        "panel": panel,
        "cap": sends.reach.cap,
        "topic": deps.topic_name,
    }
    return deps.render(request, "inbox/sends.html", context, status)


def _refused(deps: InboxDeps, request: Request, status: int, message: str) -> Response:
    context = {"staff": staff_of(request), "csrf": csrf.token(request), "title": "Not sent"}
    return deps.render(request, "inbox/error.html", context | {"message": message}, status)
