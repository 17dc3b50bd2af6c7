"""/inbox/themes (leads): a week's themes, new and rising first, with this term's focus areas;
/inbox/themes/ID: one theme with exactly its messages, and the forms that make it a topic or
merge it into one (CSRF checked by the middleware, the role by the use case, audited)."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.web import csrf
from bot.web.forms import BadForm, field, read_form
from bot.web.inbox_deps import InboxDeps, actor
from bot.web.numbers import db_int, id_param
from bot.web.staff_session import staff_of
from config.calendar import AcademicCalendar
from handlers.digest.week import IsoWeek
from handlers.inbox.roles import Forbidden, require
from handlers.themes.focus import focus_areas
from handlers.themes.usecases import NoSuchTheme, ThemeRefused, Themes

MAX_SHOWN = 1000
DONE = {"topic": "The theme is now a topic", "merge": "The theme was merged into the topic"}


@dataclass(frozen=True)
class ThemePages:
    """What the themes pages need."""

    deps: InboxDeps
    themes: Themes
    calendar: AcademicCalendar | None = None


def routes(pages: ThemePages) -> list[Route]:
    """The themes page, a theme's page, and its two actions."""

    async def week_page(request: Request) -> Response:
        return await _week_page(pages, request)

    async def theme_page(request: Request) -> Response:
        return await _theme_page(pages, request, request.path_params["theme_id"])

    async def decide(request: Request) -> Response:
        theme_id, action = request.path_params["theme_id"], request.path_params["action"]
        who = actor(staff_of(request))
        try:
            require(who, "themes")  # before reading the form: an agent learns only this
            form = await read_form(request)
            if action == "topic":
                count = await pages.themes.to_topic(
                    who, theme_id, field(form, "name"), field(form, "team")
                )
            elif action == "merge":
                count = await pages.themes.merge(who, theme_id, field(form, "topic"))
            else:
                return pages.deps.error(request, 404, "Not found", "There is no such action.")
        except Forbidden as exc:
            return pages.deps.error(request, 403, "Not allowed", f"Not allowed: {exc}.")
        except NoSuchTheme as exc:
            return pages.deps.error(request, 404, "Not found", f"{exc}.")
        except (ThemeRefused, BadForm) as exc:
            error = pages.deps.words(exc)
            return await _theme_page(pages, request, theme_id, error=error, status=400)
        return RedirectResponse(f"/inbox/themes/{theme_id}?done={action}&n={count}", 303)

    return [
        Route("/inbox/themes", week_page, methods=["GET"]),
        Route(f"/inbox/themes/{id_param('theme_id')}", theme_page, methods=["GET"]),
        Route(f"/inbox/themes/{id_param('theme_id')}/{{action:str}}", decide, methods=["POST"]),
    ]


async def _week_page(pages: ThemePages, request: Request) -> Response:
    staff = staff_of(request)
    raw = request.query_params.get("week", "")
    try:
        week = IsoWeek.parse(raw) if raw else None
        found = await pages.themes.week(actor(staff), week)
    except Forbidden as exc:
        return pages.deps.error(request, 403, "Not allowed", f"Not allowed: {exc}.")
    except (ValueError, ThemeRefused) as exc:
        return pages.deps.error(request, 400, "No such week", f"week: {exc}.")
    zone = pages.themes.builder.zone
    focus = await focus_areas(pages.deps.store, found.run.until, zone, pages.calendar)
    shown = IsoWeek.parse(found.week)
    context = {
        "staff": staff,
        "csrf": csrf.token(request),
        "active": "themes",
        "found": found,
        "focus": focus,
        "earlier": str(shown.shifted(-1)),
        "later": str(shown.shifted(1)) if not found.in_progress else "",
    }
    return pages.deps.render(request, "inbox/themes.html", context)


async def _theme_page(
    pages: ThemePages, request: Request, theme_id: int, *, error: str = "", status: int = 200
) -> Response:
    staff = staff_of(request)
    week = request.query_params.get("week", "") or None
    try:
        line, ids, weeks = await pages.themes.theme(actor(staff), theme_id, week)
    except Forbidden as exc:
        return pages.deps.error(request, 403, "Not allowed", f"Not allowed: {exc}.")
    except NoSuchTheme as exc:
        return pages.deps.error(request, 404, "Not found", f"{exc}.")
    messages = await pages.deps.store.themes.messages(message_ids=ids[:MAX_SHOWN])
    done = DONE.get(request.query_params.get("done", ""), "")
    count = db_int(request.query_params.get("n", "")) or 0
    context = {
        "staff": staff,
        "csrf": csrf.token(request),
        "active": "themes",
        "theme": line,
        "weeks": weeks,
        "messages": messages,
        "more": max(len(ids) - MAX_SHOWN, 0),
        "quotes": (await pages.themes.quotes([line])).get(line.id, []),
        "topics": await pages.themes.known_topics(),
        "teams": pages.themes.teams,
        "done": f"{done} ({count} messages)." if done else "",
        "error": error,
    }
    return pages.deps.render(request, "inbox/theme.html", context, status)
