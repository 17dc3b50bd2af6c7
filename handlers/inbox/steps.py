"""The queue's pipeline steps: triage a message into its item; a typed score that answers a
satisfaction question becomes a vote; a stored answer is kept against its item."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.events import EventKind, utcnow
from config.calendar import AcademicCalendar
from config.triage import TriageConfig
from handlers.context import Context, Stage
from handlers.inbox.changes import Change, Changes
from handlers.inbox.csat import is_low_score, typed_score
from handlers.inbox.sla import Closed, due_at, never_closed
from handlers.inbox.triage import Facts, decide
from handlers.polls.kinds import is_low
from models.store import Store
from models.store.inbox.types import Incoming

QUEUED = ("created", "joined", "reopened")
CSAT_WINDOW = timedelta(days=7)
"""How long a satisfaction question waits for a typed answer."""


class Clock:
    """Due times from the rules' SLA hours, counted in opening hours in the library's zone,
    skipping the calendar's closure days (urgent ones in clock hours, day and night, when
    ``urgent_clock_hours``)."""

    def __init__(
        self, rules: TriageConfig, zone: ZoneInfo, calendar: AcademicCalendar | None = None
    ) -> None:
        self._rules = rules
        self.zone = zone
        self.opening = rules.day_hours()
        self.closed: Closed = never_closed
        """``never_closed`` itself when no day is closed: the due-time functions then take their
        short ways (``handlers/inbox/sla.py``)."""
        if calendar is not None and calendar.has_closures:
            self.closed = calendar.is_closed

    def due(self, priority: str, start: datetime) -> datetime:
        """When an item of this priority, started at ``start``, is due."""
        hours = self._rules.sla_hours[priority]  # type: ignore[index]
        if priority == "urgent" and self._rules.urgent_clock_hours:
            return start + timedelta(hours=hours)
        return due_at(start, hours, self.opening, self.zone, self.closed)


class Triage:
    """Decide (pure rules) and route each message: create, join or reopen its item."""

    name = "triage"
    stage = Stage.AFTER_STORE

    def __init__(
        self,
        store: Store,
        rules: TriageConfig,
        clock: Clock,
        changes: Changes | None = None,
        on_urgent: Callable[[], None] = lambda: None,
    ) -> None:
        self._store = store
        self._rules = rules
        self._clock = clock
        self._changes = changes or Changes()
        self._on_urgent = on_urgent

    def applies(self, ctx: Context) -> bool:
        return ctx.kind is EventKind.MESSAGE and ctx.contact_id is not None and bool(ctx.text)

    async def run(self, batch: list[Context]) -> None:
        ids = [c.message_id for c in batch]
        follow = await self._store.inbox.follow_up_answers(message_ids=ids)
        now = utcnow()
        low = {mid for mid, (kind, keys) in follow.items() if is_low(kind, tuple(keys))}
        for ctx in batch:
            ctx.poll_comment = ctx.message_id in follow
        routed = await self._store.inbox.route(
            incoming=[self._incoming(c, c.message_id in low, now) for c in batch]
        )
        texts = {c.message_id: c.text for c in batch}
        urgent = {c.message_id for c in batch if c.decision and c.decision.urgent}
        queued = [r for r in routed if r.item_id is not None and r.outcome in QUEUED]
        if any(r.message_id in urgent for r in queued):
            self._on_urgent()  # the alert goes now, not at the checker's next turn
        for r in queued:
            change = Change((r.item_id or 0,), r.outcome, text=texts.get(r.message_id, ""))
            await self._changes.changed(change)

    def _incoming(self, ctx: Context, low_follow_up: bool, now: datetime) -> Incoming:
        labels = ctx.labels
        facts = Facts(
            text=ctx.text,
            conversation_kind=ctx.address.kind.value,
            sentiment=labels.sentiment if labels else "",
            topic=labels.topic if labels else "",
            low_follow_up=low_follow_up,
            urgent=labels.urgent if labels else False,
        )
        decision = decide(facts, self._rules)
        ctx.decision, ctx.due_at = decision, self._clock.due(decision.priority, now)
        return Incoming(
            message_id=ctx.message_id,
            conversation_id=ctx.conversation_id,
            contact_id=ctx.contact_id or 0,
            channel=ctx.channel.value,
            needs_person=decision.needs_person,
            team=decision.team,
            priority=decision.priority,
            due_at=ctx.due_at,
            topic=facts.topic,
            sentiment=facts.sentiment,
            at=now,
            language=ctx.language,
            replies_to=ctx.replies_to,
        )


class CsatReply:
    """ "4" typed in answer to a satisfaction question (channels without buttons) is a vote."""

    name = "csat_reply"
    stage = Stage.AFTER_STORE

    def __init__(self, store: Store) -> None:
        self._store = store

    def applies(self, ctx: Context) -> bool:
        return (
            ctx.kind is EventKind.MESSAGE
            and ctx.contact_id is not None
            and typed_score(ctx.text) is not None
        )

    async def run(self, batch: list[Context]) -> None:
        people = [c.contact_id for c in batch if c.contact_id is not None]
        since = utcnow() - CSAT_WINDOW
        waiting = await self._store.inbox.awaiting_csat(contact_ids=people, since=since)
        polls = {(w.contact_id, w.conversation_id): w.poll_id for w in waiting}
        for ctx in batch:
            poll_id = polls.get((ctx.contact_id or 0, ctx.conversation_id))
            if poll_id is not None:
                keys = [str(typed_score(ctx.text))]
                await self._store.polls.reply_to_vote(
                    message_id=ctx.message_id, poll_id=poll_id, keys=keys
                )
                ctx.kind = EventKind.VOTE


class CsatAnswer:
    """Keep a satisfaction answer against its item; a low one reopens the item with a note."""

    name = "csat_answer"
    stage = Stage.AFTER_STORE

    def __init__(self, store: Store, clock: Clock, changes: Changes | None = None) -> None:
        self._store = store
        self._clock = clock
        self._changes = changes or Changes()

    def applies(self, ctx: Context) -> bool:
        return ctx.kind is EventKind.VOTE

    async def run(self, batch: list[Context]) -> None:
        answers = await self._store.inbox.record_csat(message_ids=[c.message_id for c in batch])
        for answer in answers:
            if is_low_score(answer.score) and answer.item_status == "resolved":
                await self._reopen(answer.item_id, answer.score)

    async def _reopen(self, item_id: int, score: int) -> None:
        item = await self._store.inbox.item(item_id=item_id)
        priority = item.row.priority if item else "normal"
        await self._store.inbox.reopen(
            item_id=item_id,
            actor_id=None,
            due_at=self._clock.due(priority, utcnow()),
            reason=f"satisfaction {score}/5",
            note=f"Reopened: the person rated the help {score} out of 5.",
        )
        await self._changes.changed(Change((item_id,), "csat", text=f"rated {score}/5"))
