"""Reading messages, outbox rows and platform users, as the CLI, web pages and tests list them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from models.store.people.columns import person_group, person_pseudonym
from models.store.people.names import short_name
from models.store.tables import Classification, ContactAddress, Conversation, Message, OutboxItem

CONVERSATION_KINDS = ("message", "edit", "text", "poll")
"""What a person sees in a conversation: their messages and ours, not their poll taps."""


@dataclass(frozen=True, slots=True)
class MessageView:
    """A message as staff and the CLI see it, with its newest classification if any."""

    id: int
    channel: str
    kind: str
    direction: str
    text: str
    created_at: datetime
    conversation_id: int
    contact_id: int | None
    platform_id: str
    author: str
    processed: bool
    sentiment: str | None
    topic: str | None
    topic_confidence: float | None
    language: str | None = None
    """ISO 639-1 (or 'und'); None until the message is processed (and for outbound ones)."""
    person: str = ""
    """The writer's short pseudonym (models/store/people/names.py); '' when none."""
    group: str | None = None
    """The writer's customer group; None when not known."""


@dataclass(frozen=True, slots=True)
class OutboxView:
    """An outbox item's delivery state."""

    id: int
    channel: str
    status: str
    attempts: int
    last_error: str
    text: str
    platform_message_id: str
    created_at: datetime
    maybe_twice: bool = False
    """Sent again after an attempt of unknown outcome: it may have been delivered twice."""


def _with_classification() -> Select[Message, str, str, float, str, str]:
    newest = (
        select(Classification.message_id, func.max(Classification.id).label("cid"))
        .group_by(Classification.message_id)
        .subquery()
    )
    return (
        select(
            Message,
            Classification.sentiment,
            Classification.topic,
            Classification.topic_confidence,
            person_pseudonym(Message.contact_id),
            person_group(Message.contact_id),
        )
        .outerjoin(newest, newest.c.message_id == Message.id)
        .outerjoin(Classification, Classification.id == newest.c.cid)
    )


def messages(
    conn: Connection,
    *,
    channel: str | None = None,
    conversation_id: int | None = None,
    limit: int = 50,
    newest_first: bool = True,
    kinds: tuple[str, ...] | None = None,
    before: int | None = None,
) -> list[MessageView]:
    """Messages (inbound and outbound), filtered and limited; ``before``: ids below this one."""
    stmt = _with_classification()
    if before is not None:
        stmt = stmt.where(Message.id < before)
    if kinds is not None:
        stmt = stmt.where(Message.kind.in_(kinds))
    if channel is not None:
        stmt = stmt.where(Message.channel == channel)
    if conversation_id is not None:
        stmt = stmt.where(Message.conversation_id == conversation_id)
    stmt = stmt.order_by(Message.id.desc() if newest_first else Message.id).limit(limit)
    rows = Session(bind=conn).execute(stmt)
    return [_view(*row) for row in rows.all()]


def _view(
    m: Message,
    sentiment: str | None,
    topic: str | None,
    conf: float | None,
    person: str | None,
    group: str | None,
) -> MessageView:
    return MessageView(
        id=m.id,
        channel=m.channel,
        kind=m.kind,
        direction=m.direction,
        text=m.text,
        created_at=m.occurred_at,
        conversation_id=m.conversation_id,
        contact_id=m.contact_id,
        platform_id=m.platform_id,
        author=m.author,
        processed=m.processed_at is not None,
        sentiment=sentiment,
        topic=topic,
        topic_confidence=conf,
        language=m.language,
        person=short_name(person or ""),
        group=group,
    )


def conversation_at(conn: Connection, *, channel: str, chat: str, thread: str = "") -> int | None:
    """The id of the conversation at this address, if any."""
    result = conn.execute(
        select(Conversation.id).where(
            Conversation.channel == channel,
            Conversation.chat == chat,
            Conversation.thread == thread,
        )
    )
    return result.scalar_one_or_none()


def outbox_items(
    conn: Connection, *, status: str | None = None, limit: int = 100
) -> list[OutboxView]:
    """Outbox items, newest first."""
    stmt = select(OutboxItem, Message.text).join(Message, Message.id == OutboxItem.message_id)
    if status is not None:
        stmt = stmt.where(OutboxItem.status == status)
    rows = Session(bind=conn).execute(stmt.order_by(OutboxItem.id.desc()).limit(limit))
    return [
        OutboxView(
            o.id,
            o.channel,
            o.status,
            o.attempts,
            o.last_error,
            text,
            o.platform_message_id,
            o.created_at,
            o.maybe_twice,
        )
        for o, text in rows.all()
    ]


def platform_users(conn: Connection, contact_ids: list[int]) -> dict[int, str]:
    """The platform user id of each contact (to address a person directly, e.g. ephemerally)."""
    rows = conn.execute(
        select(ContactAddress.contact_id, ContactAddress.platform_user_id).where(
            ContactAddress.contact_id.in_(contact_ids)
        )
    )
    return {int(c): str(u) for c, u in rows.all()}
