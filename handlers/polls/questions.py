"""The one line each per-person question gets in staff lists of polls (instead of one poll
per person asked): how many were asked, how many answered, and what they chose."""

from __future__ import annotations

from collections.abc import Sequence

from models.store.polls.personal import QuestionSummary

NAMES = {
    "consent": "Contact consent question",
    "group": "Group question",
    "csat": "Satisfaction question after a resolve",
}


def summary_line(summary: QuestionSummary) -> str:
    """E.g. "Contact consent question: asked 1,234 people, 800 answered: 71% yes"."""
    name = NAMES.get(summary.topic, summary.topic)
    people = "person" if summary.asked == 1 else "people"
    head = f"{name}: asked {summary.asked:,} {people}, {summary.answered:,} answered"
    if not summary.answered:
        return head
    if summary.topic == "consent":
        return f"{head}: {summary.share('yes')}% yes"
    return f"{head}: {_breakdown(summary)}"


def summary_lines(summaries: Sequence[QuestionSummary]) -> list[str]:
    """One line per question, in the order given."""
    return [summary_line(s) for s in summaries]


def _breakdown(summary: QuestionSummary) -> str:
    """Each option chosen, most chosen first: "Postgraduate 40%, Undergraduate 35%"."""
    ranked = sorted(summary.chosen, key=lambda k: (-summary.chosen[k], k))
    return ", ".join(f"{summary.labels.get(k, k)} {summary.share(k)}%" for k in ranked)
