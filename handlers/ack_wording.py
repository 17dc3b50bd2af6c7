"""The first answer, pure: which acknowledgement fits triage's decision, and its wording."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from config.library import Safety
from config.wording import Speech
from handlers.inbox.sla import Closed, is_open, never_closed, next_opening
from handlers.inbox.triage import Decision
from handlers.team_names import team_name


class Kind(enum.Enum):
    """Which acknowledgement (the keys of ``acknowledgements`` in config/feedbot.yaml)."""

    URGENT = "urgent"
    NEEDS_PERSON = "needs_person"
    NEEDS_PERSON_CLOSED = "needs_person_closed"
    POLL_COMMENT = "poll_comment"
    NEEDS_NO_ONE = "needs_no_one"


@dataclass(frozen=True, slots=True)
class Hours:
    """The library's opening hours (by weekday, Monday 0) in its time zone, and its closure
    days."""

    opening: dict[int, tuple[time, time]]
    zone: ZoneInfo
    closed: Closed = never_closed


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
        if is_open(now, hours.opening, hours.zone, hours.closed) or not hours.opening:
            return Kind.NEEDS_PERSON
        return Kind.NEEDS_PERSON_CLOSED
    return Kind.POLL_COMMENT if facts.poll_comment else Kind.NEEDS_NO_ONE


def text_for(
    kind: Kind, facts: Triaged, now: datetime, hours: Hours, say: Speech, safety: Safety
) -> str:
    """The acknowledgement's text in ``say``'s language ("" = send nothing)."""
    key = f"acknowledgements.{kind.value}"
    if kind is Kind.URGENT:
        return say.text(key, guidance=guidance(say, safety))
    team = team_said(say, facts.decision.team if facts.decision else "")
    if kind is Kind.NEEDS_PERSON:
        return say.text(key, when=when(facts.due_at or now, now, hours.zone, say), team=team)
    if kind is Kind.NEEDS_PERSON_CLOSED:
        opens = next_opening(now, hours.opening, hours.zone, hours.closed) or facts.due_at or now
        return say.text(key, when=when(opens, now, hours.zone, say), team=team)
    return say.text(key)


def team_said(say: Speech, team: str) -> str:
    """The team triage chose as the person reads it (``team_names.team_name`` in their
    language); ``no_team`` where there is none."""
    return team_name(say.wording, team, say.language) if team.strip() else say.text("no_team")


def guidance(say: Speech, safety: Safety) -> str:
    """The safety guidance in ``say``'s language, with the library's numbers."""
    return say.text(
        "safety.guidance",
        emergency_number=safety.emergency_number,
        security_number=safety.security_number,
    )


def when(at: datetime, now: datetime, zone: ZoneInfo, say: Speech) -> str:
    """A time as a person reads it, in the library's zone: "15:30 today", "10:00 tomorrow",
    "08:30 on Monday", and beyond a week "08:30 on Monday 4 January" (in their language)."""
    local, today = at.astimezone(zone), now.astimezone(zone).date()
    clock = f"{local:%H:%M}"
    days = (local.date() - today).days
    if days <= 0:
        return say.text("when.today", time=clock)
    if days == 1:
        return say.text("when.tomorrow", time=clock)
    day = say.text("when.days").split()[local.weekday()]
    if days < 7:
        return say.text("when.this_week", time=clock, day=day)
    month = say.text("when.months").split()[local.month - 1]
    return say.text("when.later", time=clock, day=day, date=local.day, month=month)
