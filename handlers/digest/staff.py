"""The digest's figures per member of staff, for leads: replies written, median first
response, satisfaction answers about the items they resolved and their average (1-5)."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

from handlers.digest.parts import Context, Part, Sources
from handlers.digest.render import duration, environment
from models.store import Store
from models.store.digest.queue_figures import Span
from models.store.digest.scores import StaffWeek

ACTION = "staff_figures"  # who may see them (handlers/inbox/roles.py)


@dataclass(frozen=True)
class StaffLine:
    """One member of staff's week."""

    name: str
    replies: int
    first_responses: int
    first_response_median: float | None
    csat_answers: int
    csat_average: float | None
    """Mean score, 1 to 5."""
    csat: float | None
    """Share of 4s and 5s, %."""


def line(week: StaffWeek) -> StaffLine:
    """The figures of one member of staff."""
    times, answers = week.first_responses, week.csat_answers
    return StaffLine(
        name=week.name,
        replies=week.replies,
        first_responses=len(times),
        first_response_median=round(median(times), 1) if times else None,
        csat_answers=answers,
        csat_average=round(week.csat_total / answers, 2) if answers else None,
        csat=round(100.0 * week.csat_satisfied / answers, 1) if answers else None,
    )


class StaffSection:
    """Per-staff figures (shown to leads and admins only on the web page)."""

    name = "staff"

    async def build(self, store: Store, context: Context) -> Part | None:
        """The week's lines, busiest first; None when nobody replied or was rated."""
        span = Span(context.start, context.end, current=context.so_far)
        found = await store.digest.scores.staff(span=span)
        lines = sorted((line(w) for w in found), key=lambda s: (-s.replies, s.name))
        if not lines:
            return None
        so_far = context.so_far

        def html(base: str, charts: Sources) -> str:
            template = environment().get_template("parts/staff.html")
            return template.render(lines=lines, so_far=so_far)

        def text(base: str) -> list[str]:
            return [_words(s) for s in lines]

        return Part(self.name, "Per member of staff", lines, html, text, leads_only=True)


def _words(s: StaffLine) -> str:
    csat = (
        f"CSAT {s.csat:g}% from {s.csat_answers} answers (average {s.csat_average:g} of 5)"
        if s.csat is not None and s.csat_average is not None
        else "no CSAT answers"
    )
    return (
        f"- {s.name}: {s.replies} replies, median first response "
        f"{duration(s.first_response_median)} ({s.first_responses} items); {csat}"
    )
