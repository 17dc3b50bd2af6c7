"""What the queue store takes and gives: plain frozen values, no ORM rows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

STATUSES = ("new", "open", "pending", "snoozed", "resolved")
PRIORITIES = ("low", "normal", "high", "urgent")
WAITING = ("new", "open")
"""Statuses in which the due time counts (overdue means one of these, past due)."""


class InboxError(Exception):
    """A queue action cannot be done; the message says why (shown to the member of staff)."""


class NoSuchItem(InboxError):
    """The item does not exist."""


@dataclass(frozen=True, slots=True)
class Incoming:
    """One stored message as the triage step routed it."""

    message_id: int
    conversation_id: int
    contact_id: int
    channel: str
    needs_person: bool
    team: str
    priority: str
    due_at: datetime
    topic: str
    sentiment: str
    at: datetime
    language: str = "und"
    replies_to: str = ""
    """The platform id of the message it answers, if any: it joins that message's item."""


@dataclass(frozen=True, slots=True)
class Routed:
    """What routing did with a message: created, joined or reopened an item, or skipped it."""

    message_id: int
    item_id: int | None
    outcome: str


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """Which items a queue view shows; every field narrows. ``statuses`` empty: all but
    resolved. ``overdue_at``: due before this time and still waiting for staff.
    ``new_since``: the person wrote after this time ("new since I last looked")."""

    statuses: tuple[str, ...] = ()
    team: str | None = None
    assignee_id: int | None = None
    unassigned: bool = False
    channel: str | None = None
    topic: str | None = None
    sentiment: str | None = None
    priority: str | None = None
    language: str | None = None
    languages: tuple[str, ...] = ()
    """Any of these languages (a member of staff's own: "my languages")."""
    overdue_at: datetime | None = None
    new_since: datetime | None = None
    ids: tuple[int, ...] = ()
    created_in: tuple[datetime, datetime] | None = None  # [start, end): the digest's links
    responded_in: tuple[datetime, datetime] | None = None
    """A round of the item was first answered then (as the digest times first responses)."""
    resolved_in: tuple[datetime, datetime] | None = None
    """The item was resolved then (it may have been reopened since)."""
    csat_in: tuple[datetime, datetime] | None = None
    """The item's satisfaction question was answered then."""
    open_at: tuple[datetime, datetime, bool] | None = None
    """(start, end, in progress) of a week: the item was open at its end (or now)."""
    overdue_then: bool = False
    """With ``open_at``: overdue at that end, as the digest counts it."""


@dataclass(frozen=True, slots=True)
class ItemRow:
    """One line of the queue."""

    id: int
    conversation_id: int
    channel: str
    status: str
    priority: str
    team: str
    assignee_id: int | None
    assignee: str
    due_at: datetime
    topic: str
    sentiment: str
    text: str
    created_at: datetime
    last_message_at: datetime
    snoozed_until: datetime | None
    first_response_at: datetime | None
    resolved_at: datetime | None
    language: str = "und"
    person: str = ""
    """The person's short pseudonym (models/store/people/names.py); '' when none is known."""
    group: str | None = None
    """The person's customer group; None when not known."""

    def overdue(self, now: datetime) -> bool:
        """Past its due time and still waiting for staff."""
        return self.status in WAITING and self.due_at < now


@dataclass(frozen=True, slots=True)
class ItemView:
    """One item with what its page shows besides the conversation."""

    row: ItemRow
    contact_id: int
    conversation_kind: str
    display_name: str
    clock_from: datetime
    resolved_by: int | None
    reopened: int
    csat_score: int | None
    csat_asked: bool
    team_manual: bool = False
    """A lead set the team by hand: topic corrections leave it where it is."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of an item's conversation. ``kind``: ``person`` (the item's person), ``other``
    (someone else in the chat), ``vote`` (a poll answer), ``bot`` (acknowledgements, polls,
    CSAT), ``reply`` (staff, with its delivery state) or ``note`` (private, never sent)."""

    kind: str
    text: str
    at: datetime
    message_id: int | None = None
    entry_id: int | None = None
    staff_id: int | None = None
    staff_name: str = ""
    delivery: str = ""
    error: str = ""
    maybe_twice: bool = False
    """A reply resent after an attempt of unknown outcome: the person may have it twice."""
    topic: str = ""
    sentiment: str = ""


@dataclass(frozen=True, slots=True)
class ItemPage:
    """An item and one page of its conversation, oldest first; ``older`` is the ``before``
    value for the previous page (None at the start of the conversation)."""

    item: ItemView
    entries: list[Entry]
    older: int | None
    item_of: Mapping[int, int] = field(default_factory=dict)
    """Which item each of the person's messages on this page belongs to (by message id)."""

    def splittable(self) -> list[Entry]:
        """The person's messages on this page that belong to this item (a split picks some)."""
        own = self.item.row.id
        return [e for e in self.entries if e.message_id and self.item_of.get(e.message_id) == own]


@dataclass(frozen=True, slots=True)
class ClaimResult:
    """Who holds the item after a claim: ``won`` is False when someone else got there first."""

    won: bool
    assignee_id: int | None
    assignee: str


@dataclass(frozen=True, slots=True)
class CsatAnswer:
    """A satisfaction answer stored against its item and the member of staff who resolved it."""

    item_id: int
    score: int
    staff_id: int | None
    item_status: str


@dataclass(frozen=True, slots=True)
class Canned:
    """A canned reply: its name and text with {name} / {library} placeholders."""

    name: str
    text: str
