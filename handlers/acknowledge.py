"""The acknowledge step: tell a person what happens next, as triage decided: safety guidance at
once for an urgent message; when a person will reply; or no promise at all."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.events import EventKind, OutboundMessage, utcnow
from config.library import Safety
from config.wording import Wording
from handlers.ack_wording import Hours, Kind, Triaged, kind_of, text_for
from handlers.context import Context, Stage
from handlers.speaking import Languages
from models.store import Store

ACK_EVERY = timedelta(hours=24)
"""At most one acknowledgement a day per conversation, except urgent ones (every time)."""
RANK = (Kind.NEEDS_PERSON, Kind.NEEDS_PERSON_CLOSED, Kind.POLL_COMMENT, Kind.NEEDS_NO_ONE)


@dataclass(frozen=True)
class FirstAnswer:
    """What the step needs besides the wording: the safety numbers and the opening hours."""

    safety: Safety
    hours: Hours


class Acknowledge:
    """Queue the acknowledgement that fits triage's decision, on the same chat or thread, in
    the message's language."""

    name = "acknowledge"
    stage = Stage.AFTER_STORE

    def __init__(
        self,
        store: Store,
        first: FirstAnswer,
        wording: Wording,
        languages: Languages,
        wake_outbox: Callable[[], None],
    ) -> None:
        self._store = store
        self._first = first
        self._wording = wording
        self._languages = languages
        self._wake = wake_outbox

    def applies(self, ctx: Context) -> bool:
        return ctx.kind is EventKind.MESSAGE

    async def run(self, batch: list[Context]) -> None:
        now = utcnow()
        said = self._said(batch, now)
        urgent = _first_per_conversation([(c, t) for c, k, t in said if k is Kind.URGENT])
        rest = sorted((s for s in said if s[1] is not Kind.URGENT), key=lambda s: RANK.index(s[1]))
        daily = await self._once_a_day(
            [(c, t) for c, _, t in rest if c.conversation_id not in urgent], now
        )
        replies = [
            OutboundMessage(address=c.address, text=t, reply_ref=c.reply_ref)
            for c, t in [*urgent.values(), *daily]
        ]
        if replies:
            await self._store.outbox.enqueue_many(messages=replies, author="feedbot")
            self._wake()

    def _said(self, batch: list[Context], now: datetime) -> list[tuple[Context, Kind, str]]:
        """Each event's acknowledgement, leaving out those that say nothing."""
        first, found = self._first, []
        for ctx in batch:
            facts = Triaged(ctx.decision, ctx.due_at, ctx.poll_comment)
            kind = kind_of(facts, now, first.hours)
            say = self._wording.speaking(self._languages.of_message(ctx))
            text = text_for(kind, facts, now, first.hours, say, first.safety)
            if text.strip():
                found.append((ctx, kind, text))
        return found

    async def _once_a_day(
        self, said: list[tuple[Context, str]], now: datetime
    ) -> list[tuple[Context, str]]:
        """One per conversation not acknowledged within the day (marked now, atomically)."""
        recent = now - ACK_EVERY
        due = _first_per_conversation(
            [(c, t) for c, t in said if c.acknowledged_at is None or c.acknowledged_at < recent]
        )
        if not due:  # the cheap check; acknowledge_first below is the atomic one
            return []
        first = await self._store.processing.acknowledge_first(ids=list(due), every=ACK_EVERY)
        return [pair for cid, pair in due.items() if cid in first]


def _first_per_conversation(
    said: list[tuple[Context, str]],
) -> dict[int, tuple[Context, str]]:
    """The first of each conversation's acknowledgements, by conversation id."""
    seen: dict[int, tuple[Context, str]] = {}
    for ctx, text in said:
        seen.setdefault(ctx.conversation_id, (ctx, text))
    return seen
