"""How the inbox pages say times, labels and people (pure; used by the templates)."""

from __future__ import annotations

from datetime import datetime, timedelta

from handlers.inbox.view_filters import pseudonym as pseudonym
from models.language import name_of

LABELS = {
    "new": "New (no reply yet)",
    "open": "Open",
    "pending": "Pending (waiting for the person)",
    "snoozed": "Snoozed",
    "resolved": "Resolved",
    "all": "All open",
    "mine": "Mine",
    "unassigned": "Unassigned",
    "overdue": "Overdue",
    "new_since": "New since I last looked",
}


def span(delta: timedelta) -> str:
    """A rough duration: '5 min', '3 h', '2 days'."""
    minutes = int(abs(delta).total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 1)} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} days"


def due_text(due_at: datetime, now: datetime, *, overdue: bool) -> str:
    """'Overdue by 3 h' or 'Due in 20 min'."""
    return f"Overdue by {span(now - due_at)}" if overdue else f"Due in {span(due_at - now)}"


def label(key: str) -> str:
    """The words for a status or view."""
    return LABELS.get(key, key.replace("_", " ").capitalize() if key else "—")


def language(code: str) -> str:
    """A language as staff read it: "Welsh (cy)", "unknown" for 'und'."""
    return name_of(code)
