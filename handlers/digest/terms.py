"""This term against the previous term and the same term last year (the academic calendar in
the library's config): messages, people, messages per week, CSAT and NPS per term. The term
in progress counts up to the digest's end; the others are whole terms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from config.calendar import AcademicCalendar, Term
from handlers.digest.parts import Context, Part, Sources
from handlers.digest.render import environment, signed
from handlers.digest.trends import csat, nps
from models.store import Store


@dataclass(frozen=True)
class TermLine:
    """One term's figures (``whole``: the term has ended; else counted up to the digest)."""

    role: str
    """"this term", "previous term" or "same term last year"."""
    name: str
    starts: str
    ends: str
    whole: bool
    days: int
    messages: int
    people: int
    per_week: float
    csat_answers: int
    csat: float | None
    nps_answers: int
    nps: float | None


def current_term(calendar: AcademicCalendar, day: date) -> Term | None:
    """The term holding ``day``, else the latest one that began before it (in a vacation: the
    term just ended)."""
    held = calendar.term_of(day)
    if held is not None:
        return held
    begun = [t for t in calendar.terms if t.start <= day]
    return max(begun, key=lambda t: t.start, default=None)


class TermsSection:
    """The term comparison; left out when the calendar names no term for the week."""

    name = "terms"

    async def build(self, store: Store, context: Context) -> Part | None:
        """This term, the previous one and the same term a year before."""
        calendar = context.calendar
        last_day = (context.end - timedelta(microseconds=1)).astimezone(context.zone).date()
        term = current_term(calendar, last_day) if calendar is not None else None
        if calendar is None or term is None:
            return None
        wanted = [
            ("this term", term),
            ("previous term", calendar.previous_term(term)),
            ("same term last year", calendar.same_term_last_year(term)),
        ]
        lines = [await _line(store, role, t, context) for role, t in wanted if t is not None]

        def html(base: str, charts: Sources) -> str:
            return environment().get_template("parts/terms.html").render(lines=lines)

        def text(base: str) -> list[str]:
            return [_words(t) for t in lines]

        return Part(self.name, "This term against earlier terms", lines, html, text)


async def _line(store: Store, role: str, term: Term, context: Context) -> TermLine:
    start = _utc(term.start, context)
    end = min(_utc(term.end + timedelta(days=1), context), context.end)
    volume = await store.digest.scores.volume(start=start, end=end)
    scores = await store.digest.scores.between(start=start, end=end)
    days = max((end - start).days, 1) if end > start else 0
    csat_answers, csat_share = csat(scores.get("csat", {}))
    nps_answers, nps_score = nps(scores.get("nps", {}))
    return TermLine(
        role=role,
        name=term.name,
        starts=term.start.isoformat(),
        ends=term.end.isoformat(),
        whole=end >= _utc(term.end + timedelta(days=1), context),
        days=days,
        messages=volume.messages,
        people=volume.people,
        per_week=round(7.0 * volume.messages / days, 1) if days else 0.0,
        csat_answers=csat_answers,
        csat=csat_share,
        nps_answers=nps_answers,
        nps=nps_score,
    )


def _utc(day: date, context: Context) -> datetime:
    return datetime.combine(day, time(0), tzinfo=context.zone).astimezone(UTC)


def _words(t: TermLine) -> str:
    span = "whole term" if t.whole else f"first {t.days} days"
    scores = [
        f"CSAT {t.csat:g}% ({t.csat_answers})" if t.csat is not None else "",
        f"NPS {signed(t.nps)} ({t.nps_answers})" if t.nps is not None else "",
    ]
    tail = ", ".join(s for s in scores if s)
    return (
        f"- {t.role.capitalize()}, {t.name} ({span}): {t.messages} messages from {t.people} "
        f"people, {t.per_week:g} a week" + (f"; {tail}" if tail else "")
    )
