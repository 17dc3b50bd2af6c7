"""What flows through the pipeline: one Context per event, and the Step seam."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from bot.events import Address, Channel, EventKind, InboundEvent
from handlers.inbox.triage import Decision
from models.classification import Classification


class Stage(enum.Enum):
    """RECEIVE steps run before the platform is answered; AFTER_STORE steps run off the request."""

    RECEIVE = "receive"
    AFTER_STORE = "after_store"


@dataclass
class Context:
    """One event on its way through the steps; ``trace`` lists the steps that ran."""

    kind: EventKind
    channel: Channel
    text: str
    address: Address
    reply_ref: str = ""
    replies_to: str = ""
    event: InboundEvent | None = None
    message_id: int = 0
    conversation_id: int = 0
    duplicate: bool = False
    acknowledged_at: datetime | None = None
    contact_id: int | None = None
    labels: Classification | None = None
    language: str = "und"
    """The message's language (ISO 639-1, or 'und'), set by the language step."""
    person_language: str | None = None
    """The person's language after this message (their last confident one); None: not known."""
    decision: Decision | None = None  # triage's, for the acknowledgement
    due_at: datetime | None = None  # when triage said a person will have answered
    poll_comment: bool = False  # it answers a poll's follow-up question
    trace: list[str] = field(default_factory=list)
    stopped: bool = False
    error: BaseException | None = None

    @property
    def alive(self) -> bool:
        """Still going through the steps: not stopped and not failed."""
        return not self.stopped and self.error is None

    @classmethod
    def received(cls, event: InboundEvent) -> Context:
        """A context for an event that just arrived from an adapter."""
        return cls(
            kind=event.kind,
            channel=event.channel,
            text=event.text,
            address=event.address,
            reply_ref=event.reply_ref,
            replies_to=event.replies_to,
            event=event,
        )


class Step(Protocol):
    """One pipeline step: ``applies`` is pure and sync; ``run`` does the work for a batch.

    ``run`` gets every context of the batch the step applies to, so that it can do its I/O once
    per batch (one transaction, one classifier call). It sets ``ctx.stopped`` to end the
    pipeline for an event (a duplicate) or ``ctx.error`` when one event fails; raising fails the
    whole batch. A failed event stays stored and unprocessed, and is retried with back-off.
    """

    name: str
    stage: Stage

    def applies(self, ctx: Context) -> bool: ...

    async def run(self, batch: list[Context]) -> None: ...
