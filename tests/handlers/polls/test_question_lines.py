"""The one line each per-person question gets in staff lists of polls."""

from __future__ import annotations

from handlers.polls.questions import summary_line
from models.store.polls.personal import QuestionSummary


def test_consent_group_and_unanswered_lines() -> None:
    consent = QuestionSummary("consent", "May we?", 1234, 800, {"yes": 568, "no": 232})
    labels = {"pgt": "Postgraduate (taught)", "ug": "Undergraduate", "none": "Prefer not to say"}
    group = QuestionSummary("group", "Which?", 300, 120, {"ug": 42, "pgt": 48, "none": 30}, labels)
    asked = QuestionSummary("csat", "How did we do?", 1, 0)
    assert summary_line(consent) == (
        "Contact consent question: asked 1,234 people, 800 answered: 71% yes"
    )
    assert summary_line(group) == (
        "Group question: asked 300 people, 120 answered: "
        "Postgraduate (taught) 40%, Undergraduate 35%, Prefer not to say 25%"
    )
    assert (
        summary_line(asked) == "Satisfaction question after a resolve: asked 1 person, 0 answered"
    )
