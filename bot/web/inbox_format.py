"""How the inbox pages say times, labels and people (pure; used by the templates)."""

from __future__ import annotations

import re
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


BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
"""Invisible characters that reorder the text after them (e.g. U+202E turns "gnp.exe" into
what looks like "exe.png"): on staff pages they are shown, never obeyed."""


def shown(text: str) -> str:
    """A person's text as staff see it: direction controls written out as [U+XXXX]."""
    return BIDI_CONTROLS.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)


def language(code: str) -> str:
    """A language as staff read it: "Welsh (cy)", "unknown" for 'und'."""
    return name_of(code)
