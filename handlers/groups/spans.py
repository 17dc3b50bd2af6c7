"""The spans coverage compares: this term and the one before (the academic calendar), or
without terms the last 12 weeks and the 12 before them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from config.calendar import AcademicCalendar, Term

FALLBACK = timedelta(weeks=12)


@dataclass(frozen=True, slots=True)
class Span:
    """A named stretch of time, [since, until)."""

    name: str
    since: datetime
    until: datetime


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _term_span(term: Term, now: datetime) -> Span:
    return Span(term.name, _start(term.start), min(now, _start(term.end + timedelta(days=1))))


def spans(calendar: AcademicCalendar, now: datetime) -> tuple[Span, Span | None]:
    """The span to report and the one to compare it with (None: no earlier term)."""
    begun = [t for t in calendar.terms if t.start <= now.date()]
    if not begun:
        this = Span("the last 12 weeks", now - FALLBACK, now)
        return this, Span("the 12 weeks before", now - 2 * FALLBACK, now - FALLBACK)
    term = max(begun, key=lambda t: t.start)
    before = calendar.previous_term(term)
    return _term_span(term, now), _term_span(before, now) if before else None
