"""Targeted sends, one use case for the CLI, the staff page and the re-engagement job: check
the send, find its audience, leave out who must be (opted out, unreachable, capped, sampled
out), word each message in the person's language, pace it to the platform, and record it all
in one transaction (audited). A dry run does everything but the recording."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.channel import Capabilities
from bot.events import Channel, OutboundMessage, utcnow
from config.calendar import AcademicCalendar
from config.reach import ContactCap
from config.wording import ENGLISH, Wording
from handlers.inbox.roles import Actor, require
from handlers.polls.quiet_period import hold
from handlers.reach import messages
from handlers.reach.pacing import due_times, quiet_until
from handlers.reach.plan import Plan, plan
from handlers.reach.spec import Known, SendRefused, SendSpec, check
from handlers.reach.themes import NoThemes, ThemeMessages
from handlers.speaking import Fixed, Languages
from models.store import Store
from models.store.polls.definitions import PollView
from models.store.reach.audience import Person
from models.store.reach.segment import Segment
from models.store.reach.sends import Delivery, SendRecord

SENDABLE = ("draft", "scheduled", "open")
DEFAULT_WINDOW = timedelta(weeks=8)
"""Topics and themes raised in the last 8 weeks, unless the send says since when."""


@dataclass(frozen=True)
class Report:
    """What a send did (or, dry, would do): people told per channel, left out per reason
    (and per channel), when the first message may go (after quiet hours, and after a quiet
    period of the academic calendar it waits out), when the last may go, and the send's id
    once recorded."""

    told: dict[str, int]
    left_out: dict[str, int]
    left_out_by_channel: dict[str, dict[str, int]] = field(default_factory=dict)
    starts: datetime | None = None
    ends: datetime | None = None
    send_id: int | None = None
    dry_run: bool = True
    quiet_period: str | None = None
    """The calendar's quiet period the send waits out (None: it does not wait for one)."""
    even_in_quiet: bool = False
    """The lead said to send even in a quiet period."""

    def as_dict(self) -> dict[str, object]:
        """The report as stored, audited and printed with --json."""
        return {
            "told": self.told,
            "told_total": sum(self.told.values()),
            "left_out": self.left_out,
            "left_out_by_channel": self.left_out_by_channel,
            "starts": self.starts.isoformat() if self.starts else None,
            "ends": self.ends.isoformat() if self.ends else None,
            "send_id": self.send_id,
            "dry_run": self.dry_run,
            "quiet_period": self.quiet_period,
            "even_in_quiet": self.even_in_quiet,
        }


@dataclass(frozen=True)
class Reach:
    """What sends follow: the contact cap, quiet hours, the library's time zone and its
    academic calendar (a send due in a quiet period waits until it ends)."""

    cap: ContactCap
    quiet_hours: tuple[time, time] | None
    zone: ZoneInfo
    calendar: AcademicCalendar = field(default_factory=AcademicCalendar)


class Sends:
    """Sending a poll or a message to an audience (leads and admins; the CLI acts as no one)."""

    def __init__(
        self,
        store: Store,
        capabilities: Mapping[Channel, Capabilities],
        *,
        wording: Wording,
        known: Known,
        reach: Reach,
        languages: Languages | None = None,
        themes: ThemeMessages | None = None,
        wake: Callable[[], None] = lambda: None,
    ) -> None:
        self._store = store
        self._caps = capabilities
        self._wording = wording
        self.known = known
        self.reach = reach
        self._languages = languages or Fixed()
        self._themes = themes or NoThemes()
        self._wake = wake

    async def preview(self, spec: SendSpec, *, by: Actor | None) -> Report:
        """The dry run: who would be told on which channel, and who left out why."""
        if by is not None:
            require(by, "send")
        poll = await self._checked(spec)
        now = utcnow()
        start = self._start(now, spec, poll)
        return self._report(await self._plan(spec, poll, now), now, start, [])

    async def send(
        self, spec: SendSpec, *, by: Actor | None, kind: str = "", intro: str = ""
    ) -> Report:
        """Send: queue each person's message (paced, after quiet hours) and record it all.
        ``intro``: a wording key said before a poll (in each person's language)."""
        if by is not None:
            require(by, "send")
        poll = await self._checked(spec)
        now = utcnow()
        found = await self._plan(spec, poll, now)
        start = self._start(now, spec, poll)
        deliveries = await self._deliveries(found.told, poll, spec.text, intro, start[0])
        report = self._report(found, now, start, deliveries)
        kind = kind or ("panel" if spec.panel else "poll" if poll is not None else "send")
        record = SendRecord(
            actor="cli" if by is None else f"staff:{by.id}",
            kind=kind,
            ledger_kind=kind if kind in ("panel", "reengage") else "poll" if poll else "send",
            poll_id=poll.id if poll is not None else None,
            text=spec.text,
            audience=spec.audience(),
            report=report.as_dict() | {"dry_run": False},
        )
        send_id = await self._store.reach.send(send=record, deliveries=deliveries)
        if deliveries:
            self._wake()
        return replace(report, send_id=send_id, dry_run=False)

    async def count(self, spec: SendSpec) -> int:
        """How many people the audience holds before anyone is left out."""
        segment = await self._segment(spec, utcnow())
        return await self._store.reach.count(segment=segment, until=utcnow())

    async def _checked(self, spec: SendSpec) -> PollView | None:
        check(spec, self.known)
        if spec.poll_id is None:
            return None
        poll = await self._store.polls.get(poll_id=spec.poll_id)
        if poll is None:
            raise SendRefused(f"no poll {spec.poll_id}")
        if poll.status not in SENDABLE:
            raise SendRefused(f"poll {spec.poll_id} is {poll.status}: it cannot be sent")
        return poll

    async def _plan(self, spec: SendSpec, poll: PollView | None, now: datetime) -> Plan:
        """Who of the audience is told and who is left out, why."""
        segment = await self._segment(spec, now)
        asked_from = now - timedelta(days=self.reach.cap.days)
        people = await self._store.reach.audience(segment=segment, until=now, asked_from=asked_from)
        show = messages.can_ask if poll is not None else (lambda c: True)
        rng = random.Random(spec.seed)
        return plan(people, self._caps, self.reach.cap, sample=spec.sample, rng=rng, can_show=show)

    async def _segment(self, spec: SendSpec, now: datetime) -> Segment:
        ids: list[int] = []
        for theme in spec.themes:
            found = await self._themes.messages_of(theme)
            if found is None:
                raise SendRefused(f"unknown theme {theme!r}")
            ids += found
        raised = spec.raised_since or (now - DEFAULT_WINDOW)
        return Segment(
            groups=spec.groups,
            channels=spec.channels,
            topics=spec.topics,
            message_ids=tuple(ids) if spec.themes else None,
            raised_since=raised,
            panel=spec.panel,
            silent_since=spec.silent_since,
            consented=spec.only,
            not_asked=spec.not_asked,
        )

    async def _deliveries(
        self,
        told: list[Person],
        poll: PollView | None,
        text: str,
        intro: str,
        start: datetime,
    ) -> list[Delivery]:
        spoken = await self._languages.of_contacts([p.contact_id for p in told])
        due = due_times([p.channel for p in told], start, self._caps)
        return [
            Delivery(
                p.contact_id,
                p.conversation_id or 0,
                self._message(p, poll, text, intro, spoken),
                at,
            )
            for p, at in zip(told, due, strict=True)
        ]

    def _message(
        self, p: Person, poll: PollView | None, text: str, intro: str, spoken: Mapping[int, str]
    ) -> OutboundMessage:
        assert p.address is not None
        if poll is None:
            return messages.message(text, p.address)
        say = self._wording.speaking(spoken.get(p.contact_id, ENGLISH))
        lead = say.text(intro) if intro else ""
        return messages.invitation(poll, p.address, self._caps[p.address.channel], say, lead)

    def _start(
        self, now: datetime, spec: SendSpec, poll: PollView | None
    ) -> tuple[datetime, str | None, bool]:
        """When the first message may go: after quiet hours and, unless the lead (or the
        poll) said "even in a quiet period", after the calendar's quiet period it falls in
        (then after that day's quiet hours); the period's name; whether the lead overrode."""
        even = spec.even_in_quiet or (poll is not None and poll.even_in_quiet)
        hours, zone = self.reach.quiet_hours, self.reach.zone
        start = quiet_until(now, hours, zone)
        waits = None if even else hold(self.reach.calendar, start, zone)
        if waits is None:
            return start, None, even
        return quiet_until(waits.until, hours, zone), waits.period, even

    def _report(
        self,
        found: Plan,
        now: datetime,
        start: tuple[datetime, str | None, bool],
        deliveries: list[Delivery],
    ) -> Report:
        first, period, even = start
        ends = max((d.due for d in deliveries), default=None)
        return Report(
            found.told_by_channel(),
            found.left_out_totals(),
            found.left_out,
            first if first != now else None,
            ends,
            quiet_period=period,
            even_in_quiet=even,
        )
