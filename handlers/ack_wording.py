"""The first answer, pure: which acknowledgement fits triage's decision, and its wording."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from config.library import Acknowledgements, Safety
from handlers.inbox.sla import is_open, next_opening
from handlers.inbox.triage import Decision

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class Kind(enum.Enum):
    """Which acknowledgement (the keys of ``acknowledgements`` in config/feedbot.yaml)."""

    URGENT = "urgent"
    NEEDS_PERSON = "needs_person"
    NEEDS_PERSON_CLOSED = "needs_person_closed"
    POLL_COMMENT = "poll_comment"
    NEEDS_NO_ONE = "needs_no_one"


@dataclass(frozen=True, slots=True)
class Hours:
    """The library's opening hours (by weekday, Monday 0) in its time zone."""

    opening: dict[int, tuple[time, time]]
    zone: ZoneInfo


@dataclass(frozen=True, slots=True)
class Triaged:
    """What the choice looks at for one message."""

    decision: Decision | None
    due_at: datetime | None
    poll_comment: bool = False


def kind_of(facts: Triaged, now: datetime, hours: Hours) -> Kind:
    """Urgent; else needs a person (open or closed now); else a poll comment; else no one."""
    decision = facts.decision
    if decision is not None and decision.urgent:
        return Kind.URGENT
    if decision is not None and decision.needs_person:
        if is_open(now, hours.opening, hours.zone) or not hours.opening:
            return Kind.NEEDS_PERSON
        return Kind.NEEDS_PERSON_CLOSED
    return Kind.POLL_COMMENT if facts.poll_comment else Kind.NEEDS_NO_ONE


def text_for(
    kind: Kind,
    facts: Triaged,
    now: datetime,
    hours: Hours,
    words: Acknowledgements,
    safety: Safety,
) -> str:
    """The acknowledgement's text ("" = send nothing)."""
    template: str = getattr(words, kind.value)
    if kind is Kind.URGENT:
        return template.format(guidance=safety.text())
    if kind is Kind.NEEDS_PERSON:
        return template.format(when=when(facts.due_at or now, now, hours.zone))
    if kind is Kind.NEEDS_PERSON_CLOSED:
        opens = next_opening(now, hours.opening, hours.zone) or facts.due_at or now
        return template.format(when=when(opens, now, hours.zone))
    return template


def when(at: datetime, now: datetime, zone: ZoneInfo) -> str:
    """A time as a person reads it, in the library's zone: "15:30 today", "10:00 tomorrow",
    "08:30 on Monday", and beyond a week "08:30 on Monday 4 January"."""
    local, today = at.astimezone(zone), now.astimezone(zone).date()
    clock = f"{local:%H:%M}"
    days = (local.date() - today).days
    if days <= 0:
        return f"{clock} today"
    if days == 1:
        return f"{clock} tomorrow"
    day = DAYS[local.weekday()]
    if days < 7:
        return f"{clock} on {day}"
    return f"{clock} on {day} {local.day} {MONTHS[local.month - 1]}"
