"""Standing queue views as filters (mine, unassigned, pending, snoozed, overdue, new), pure,
and the pseudonym that stands for a person in lists and cards."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from models.store.inbox.types import QueueFilter

VIEWS = ("all", "mine", "unassigned", "pending", "snoozed", "overdue", "new_since", "resolved")


def view_filter(
    name: str, *, staff_id: int, now: datetime, seen_at: datetime | None = None, **narrow: Any
) -> QueueFilter:
    """The filter for a standing view, narrowed further by any QueueFilter fields given."""
    base = {
        "all": QueueFilter(),
        "mine": QueueFilter(assignee_id=staff_id),
        "unassigned": QueueFilter(unassigned=True),
        "pending": QueueFilter(statuses=("pending",)),
        "snoozed": QueueFilter(statuses=("snoozed",)),
        "overdue": QueueFilter(overdue_at=now),
        "new_since": QueueFilter(new_since=seen_at or datetime.min.replace(tzinfo=now.tzinfo)),
        "resolved": QueueFilter(statuses=("resolved",)),
    }
    if name not in base:
        raise ValueError(f"unknown view {name!r}; one of {', '.join(VIEWS)}")
    return replace(base[name], **{k: v for k, v in narrow.items() if v not in (None, "", ())})


def pseudonym(person: str) -> str:
    """How lists and cards name a person: by their one short pseudonym (the same in the queue,
    on the item, in the digest, exports and audit; models/store/people/names.py)."""
    return f"Person {person}" if person else "Someone"
