"""Focus areas: the topics and themes that go with negative sentiment and low CSAT this term,
by a measure a lead can check by hand: of a topic's messages (or CSAT answers) this share was
negative (low), against the share over all of them; lift is the one over the other; the list
is ordered by how many more negative (low) ones there were than the average share would give."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from config.calendar import AcademicCalendar
from handlers.digest.week import IsoWeek
from handlers.themes.lines import FocusAreas, FocusLine
from models.store import Store
from models.store.themes.focus import Counts

LOW_CSAT = 2  # a CSAT answer of 1 or 2 out of 5
MIN_COUNT = 5  # fewer messages (answers) than this say nothing either way
MIN_LIFT = 1.2
MIN_EXCESS = 2.0
SHOWN = 10
FALLBACK = timedelta(weeks=12)
EXPLAINED = (
    "Share: of the messages (CSAT answers) on this topic or theme, how many were negative "
    "(scored 1 or 2 of 5). Average: the same share over all of them. Lift: share ÷ average. "
    "Listed when there are at least 5, the lift is at least 1.2 and there were at least 2 more "
    "than the average would give, most such first."
)


def span_of(
    now: datetime, zone: ZoneInfo, calendar: AcademicCalendar | None
) -> tuple[str, datetime, datetime]:
    """The term holding today (up to now), or the last twelve weeks."""
    today = now.astimezone(zone).date()
    term = calendar.term_of(today) if calendar is not None else None
    if term is None:
        return "the last 12 weeks", now - FALLBACK, now
    start = datetime.combine(term.start, datetime.min.time(), zone)
    return term.name, start, now


async def focus_areas(
    store: Store, now: datetime, zone: ZoneInfo, calendar: AcademicCalendar | None
) -> FocusAreas:
    """This term's focus areas."""
    name, since, until = span_of(now, zone, calendar)
    first, last = (
        str(IsoWeek.of(since.astimezone(zone).date())),
        str(IsoWeek.of(until.astimezone(zone).date())),
    )
    moods = await store.themes.topic_moods(since=since, until=until)
    theme_moods = await store.themes.theme_moods(first_week=first, last_week=last)
    csat = await store.themes.csat(since=since, until=until, low=LOW_CSAT, by="topic")
    theme_csat = await store.themes.csat(since=since, until=until, low=LOW_CSAT, by="theme")
    ids = sorted({*theme_moods, *(int(k) for k in theme_csat)})
    labels = await store.themes.theme_labels(theme_ids=ids) if ids else {}
    lines = [
        *_lines("topic", moods, "messages", "negative", labels),
        *_lines(
            "theme", {str(k): v for k, v in theme_moods.items()}, "messages", "negative", labels
        ),
        *_lines("topic", csat, "answers", "low", labels),
        *_lines("theme", theme_csat, "answers", "low", labels),
    ]
    lines.sort(key=lambda line: (-line.excess, line.kind, line.name))
    return FocusAreas(name, since.isoformat(), until.isoformat(), EXPLAINED, lines[:SHOWN])


def _lines(
    kind: str, counts: Counts, total_key: str, bad_key: str, labels: dict[int, tuple[str, str]]
) -> list[FocusLine]:
    total = sum(c[total_key] for c in counts.values())
    bad = sum(c[bad_key] for c in counts.values())
    if not total or not bad:
        return []
    average = bad / total
    out = []
    for key, c in counts.items():
        n, k = c[total_key], c[bad_key]
        share = k / n if n else 0.0
        excess = k - n * average
        if n < MIN_COUNT or share < average * MIN_LIFT or excess < MIN_EXCESS:
            continue
        theme = int(key) if kind == "theme" else None
        measure = "negative" if bad_key == "negative" else "low_csat"
        out.append(
            FocusLine(
                kind=kind,
                name=labels.get(theme, (key, ""))[0] if theme is not None else key,
                theme_id=theme,
                measure=measure,
                count=k,
                total=n,
                share=round(share, 3),
                average=round(average, 3),
                lift=round(share / average, 2),
                excess=round(excess, 1),
                link=_link(kind, key, measure),
            )
        )
    return out


def _link(kind: str, key: str, measure: str) -> str:
    if kind == "theme":
        return f"/inbox/themes/{key}"
    query = {"topic": key, "status": "all"}
    if measure == "negative":
        query["sentiment"] = "negative"
    return "/inbox/?" + urlencode(query)
