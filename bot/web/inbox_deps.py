"""What the inbox pages need, in one value built by the composition root."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from bot.local_time import LocalTime
from bot.web import csrf
from bot.web.facet_cache import FacetCache
from bot.web.queue_query import LIBRARY_ZONE
from bot.web.staff_session import staff_of
from handlers.inbox.roles import Actor
from handlers.inbox.usecases import Inbox
from handlers.team_names import NamesTeams
from handlers.topic_names import in_words
from models.store import Store
from models.store.staff.facade import StaffView


@dataclass(frozen=True)
class InboxDeps:
    """The store, the queue's use cases, the templates, and what the pages list."""

    store: Store
    inbox: Inbox
    templates: Jinja2Templates
    library_name: str
    topics: tuple[str, ...]
    teams: tuple[str, ...]
    max_chars: int
    facets: FacetCache
    zone: ZoneInfo = LIBRARY_ZONE  # the library's: weeks in queue filters, times shown
    topic_names: Mapping[str, str] = field(default_factory=dict)
    """Each topic's display name (``handlers/topic_names.py``)."""
    groups: Mapping[str, str] = field(default_factory=dict)
    """The digest's channel → customer group map (its "who is writing" links)."""
    team_names: Mapping[str, str] = field(default_factory=dict)
    """Each team's display name (``handlers/team_names.py``)."""

    def team_name(self, key: str | None) -> str:
        """A team as staff read it: its display name, else the key in words ('' for none)."""
        return _named(self.team_names, key)

    def topic_name(self, key: str | None) -> str:
        """A topic as staff read it: its display name, else the key in words ('' for none)."""
        return _named(self.topic_names, key)

    def words(self, exc: Exception) -> str:
        """A refusal's words as staff read them: the teams it names by name, not key."""
        return exc.said(self.team_name) if isinstance(exc, NamesTeams) else str(exc)

    def render(
        self, request: Request, name: str, context: dict[str, object], status: int = 200
    ) -> Response:
        """A page, never cached (it shows personal data); ``when(at)`` writes a time in the
        library's zone, named; ``team_name(key)`` and ``topic_name(key)`` name a team and a
        topic."""
        base = {
            "library_name": self.library_name,
            "when": LocalTime(self.zone),
            "team_name": self.team_name,
            "topic_name": self.topic_name,
        }
        response = self.templates.TemplateResponse(request, name, base | context, status)
        response.headers["cache-control"] = "no-store"
        return response

    def error(self, request: Request, status: int, title: str, message: str) -> Response:
        """The error page: ``title``, then ``message``."""
        context = {"staff": staff_of(request), "csrf": csrf.token(request), "title": title}
        return self.render(request, "inbox/error.html", context | {"message": message}, status)


def actor(staff: StaffView) -> Actor:
    """The use cases' view of the logged-in member of staff."""
    return Actor(id=staff.id, role=staff.role, name=staff.name, team=staff.team)


def _named(names: Mapping[str, str], key: str | None) -> str:
    """``key``'s display name in ``names``, else the key in words ('' for no key)."""
    return (names.get(key) or in_words(key)) if key else ""
