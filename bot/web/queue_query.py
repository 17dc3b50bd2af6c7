"""What a queue URL asks for: query parameters → a QueueFilter, and back to links."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from bot.web.forms import query_text
from bot.web.numbers import db_int
from handlers.digest.week import IsoWeek
from models.store.inbox.types import PRIORITIES, STATUSES, QueueFilter

VIEWS = ("all", "mine", "unassigned")
LIBRARY_ZONE = ZoneInfo("UTC")  # unless the composition root says which
ANY_STATUS = "all"  # resolved items too
NO_TEAM = "none"  # items no team has taken
WEEKS = ("created", "responded", "resolved", "csat", "open")  # the digest's figures, per week
FACETS = ("team", "channel", "topic", "sentiment", "priority", "language")
MY_LANGUAGES = "mine"  # the language filter's "languages I read"
PER_PAGE = 50
MAX_PAGE = 10_000


@dataclass(frozen=True)
class QueueQuery:
    """The queue's filters as the page shows them (all strings, '' = any)."""

    view: str = "all"
    status: str = ""
    team: str = ""
    channel: str = ""
    topic: str = ""
    sentiment: str = ""
    priority: str = ""
    language: str = ""
    overdue: bool = False
    new: bool = False
    created: str = ""
    responded: str = ""
    resolved: str = ""
    csat: str = ""
    open: str = ""
    page: int = 1

    def params(self, **changes: object) -> dict[str, str]:
        """The non-default parameters, with ``changes`` applied (the page goes back to 1)."""
        values = {**asdict(self), "page": 1, **changes}
        out: dict[str, str] = {}
        for key, value in values.items():
            if isinstance(value, bool):
                value = "1" if value else ""
            if value and (key, value) not in (("view", "all"), ("page", 1)):
                out[key] = str(value)
        return out

    def link(self, **changes: object) -> str:
        """The queue URL with these filters."""
        query = urlencode(self.params(**changes))
        return "/inbox/" + (f"?{query}" if query else "")


def parse(params: Mapping[str, str]) -> QueueQuery:
    """Read the query string; unknown values fall back to 'any' rather than failing."""
    view = params.get("view", "all")
    status = params.get("status", "")
    priority = params.get("priority", "")
    page = db_int(params.get("page", "")) or 1
    return QueueQuery(
        view=view if view in VIEWS else "all",
        status=status if status in (*STATUSES, ANY_STATUS) else "",
        team=query_text(params, "team", 64),
        channel=query_text(params, "channel", 16),
        topic=query_text(params, "topic", 64),
        sentiment=query_text(params, "sentiment", 16),
        priority=priority if priority in PRIORITIES else "",
        language=query_text(params, "language", 8).lower(),
        overdue=params.get("overdue") == "1",
        new=params.get("new") == "1",
        **{name: _week(params.get(name, "")) for name in WEEKS},
        page=min(page, MAX_PAGE),
    )


def _week(text: str) -> str:
    """An ISO week such as 2026-W48, or '' when the text is not one."""
    try:
        return str(IsoWeek.parse(text)) if text else ""
    except ValueError:
        return ""


def _span(week: str, zone: ZoneInfo) -> tuple[datetime, datetime] | None:
    """The week's [start, end) in UTC, Monday to Monday in the library's zone."""
    if not week:
        return None
    parsed = IsoWeek.parse(week)
    return parsed.start(zone), parsed.end(zone)


def _statuses(status: str) -> tuple[str, ...]:
    return STATUSES if status == ANY_STATUS else ((status,) if status else ())


def _team(team: str) -> str | None:
    return "" if team == NO_TEAM else (team or None)


def to_filter(
    query: QueueQuery,
    *,
    staff_id: int,
    now: datetime,
    seen: datetime | None,
    zone: ZoneInfo = LIBRARY_ZONE,
    my_languages: tuple[str, ...] = (),
) -> QueueFilter:
    """The store filter for a query, for this member of staff at this time (weeks in the
    library's ``zone``; ``my_languages``: the ones they read, for language=mine)."""
    mine = query.language == MY_LANGUAGES
    open_at = _open_at(query.open, zone, now)
    return QueueFilter(
        statuses=_statuses(query.status),
        team=_team(query.team),
        assignee_id=staff_id if query.view == "mine" else None,
        unassigned=query.view == "unassigned",
        channel=query.channel or None,
        topic=query.topic or None,
        sentiment=query.sentiment or None,
        priority=query.priority or None,
        language=None if mine else (query.language or None),
        languages=(my_languages or ("",)) if mine else (),
        overdue_at=now if query.overdue and open_at is None else None,
        new_since=new_since(seen) if query.new else None,
        created_in=_span(query.created, zone),
        responded_in=_span(query.responded, zone),
        resolved_in=_span(query.resolved, zone),
        csat_in=_span(query.csat, zone),
        open_at=open_at,
        overdue_then=query.overdue and open_at is not None,
    )


def _open_at(week: str, zone: ZoneInfo, now: datetime) -> tuple[datetime, datetime, bool] | None:
    """open=W: the items open at the week's end, or now while it is in progress (the digest's
    "still open"; with overdue=1, its "overdue" then)."""
    span = _span(week, zone)
    if span is None:
        return None
    start, end = span
    return (start, min(end, max(now, start)), now < end)


def standing_total(query: QueueQuery, counts: dict[str, int]) -> int | None:
    """The number of items when the query is just one standing view (already counted)."""
    facets = (
        query.team,
        query.channel,
        query.topic,
        query.sentiment,
        query.priority,
        query.language,
    )
    weeks = tuple(getattr(query, name) for name in WEEKS)
    if (
        any(facets)
        or any(weeks)
        or query.status == ANY_STATUS
        or (query.view != "all" and (query.status or query.overdue or query.new))
    ):
        return None
    picks = [k for k, on in (("overdue", query.overdue), ("new_since", query.new)) if on]
    picks += [query.status] if query.status else []
    if len(picks) > 1:
        return None
    key = picks[0] if picks else query.view
    return counts.get(key)


def new_since(seen: datetime | None) -> datetime:
    """Items newer than this are "new since I last looked" (everything, before the first mark)."""
    return seen or datetime(1970, 1, 1, tzinfo=UTC)
