"""Tables of the digest and "you said, we did": runs per week and destination, actions, the
notices each action sent, and people who opted out of such messages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.store.inbox.tables import InboxCsat, InboxEntry, InboxItem
from models.store.tables import Base, Message


class DigestRun(Base):
    """One week's digest to one destination (email, slack): claimed and handed to the outbox
    once, with the message that carries it."""

    __tablename__ = "digest_runs"
    __table_args__ = (UniqueConstraint("week", "destination"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    week: Mapped[str] = mapped_column(String(8))
    destination: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", ondelete="SET NULL")
    )


class Action(Base):
    """What the library did about a topic people raised, or why it cannot change it."""

    __tablename__ = "actions"
    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)  # the same action twice
    topic: Mapped[str] = mapped_column(String(64), index=True)
    said: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(8))  # "did" | "cannot"
    did: Mapped[str] = mapped_column(Text, default="")
    why: Mapped[str] = mapped_column(Text, default="")
    since: Mapped[datetime | None]
    created_by: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime]


class ActionNotice(Base):
    """One notice of an action to one recipient ("contact:ID", or "x:public" for one tweet)."""

    __tablename__ = "action_notices"
    __table_args__ = (UniqueConstraint("action_id", "recipient"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    recipient: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]


class OptOut(Base):
    """A person who asked for no more bot-initiated messages ("stop"); "start" removes the row."""

    __tablename__ = "contact_opt_outs"
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    opted_out_at: Mapped[datetime]
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))


# The digest reads weeks of messages by when they were written.
Index("ix_messages_occurred", Message.occurred_at)

# The digest's queue section reads a week of items by when they were created, first answered
# and resolved, the week's CSAT answers, and the oldest negative items.
Index("ix_inbox_items_created", InboxItem.created_at)
Index("ix_inbox_items_responded", InboxItem.first_response_at)
Index("ix_inbox_items_resolved", InboxItem.resolved_at)
Index("ix_inbox_items_sentiment_created", InboxItem.sentiment, InboxItem.created_at)
Index("ix_inbox_csat_asked", InboxCsat.asked_at)
Index("ix_inbox_csat_answered", InboxCsat.answered_at)
# ... and a week's staff replies, each round's first one being its first response.
Index("ix_inbox_entries_kind_created", InboxEntry.kind, InboxEntry.created_at)
