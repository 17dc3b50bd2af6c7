"""The spine's tables. Later features add theirs in new modules and new migrations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from models.store.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with stable constraint names for migrations."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON}


class Contact(Base):
    """A person on one channel, known by a pseudonymous key (keyed hash of channel + user id)."""

    __tablename__ = "contacts"
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    pseudonym: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    language: Mapped[str | None] = mapped_column(String(8))
    """ISO 639-1 code of the person's last confidently detected language; None: not known."""
    customer_group: Mapped[str | None] = mapped_column(String(32))
    """The person's customer group (config ``customer_groups``); None: not known."""
    group_source: Mapped[str | None] = mapped_column(String(16))
    """Where the group came from: ``import`` (the library's list), ``entry`` (where they wrote
    from) or ``asked`` (they said); the first outranks the others."""


class ContactAddress(Base):
    """The platform address needed to reply, kept apart from analytics; erased on request."""

    __tablename__ = "contact_addresses"
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    platform_user_id: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(255), default="")


class Conversation(Base):
    """A place a reply can go: a DM, a chat, a thread, a public thread, a widget session."""

    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("channel", "chat", "thread"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat: Mapped[str] = mapped_column(String(255))
    thread: Mapped[str] = mapped_column(String(255), default="")
    kind: Mapped[str] = mapped_column(String(16))
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]


class Message(Base):
    """Every inbound event (message, edit, vote) and every outbound reply, unique per channel id."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("channel", "platform_id"),
        Index(
            "ix_messages_pending",
            "id",
            sqlite_where=text("processed_at IS NULL"),
            postgresql_where=text("processed_at IS NULL"),
        ),
        Index("ix_messages_conversation", "conversation_id", "id"),
        Index("ix_messages_received", "received_at"),
        Index("ix_messages_contact", "contact_id", "occurred_at"),  # last heard, reachability
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    platform_id: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))
    direction: Mapped[str] = mapped_column(String(3))
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text, default="")
    reply_ref: Mapped[str] = mapped_column(String(255), default="")
    replies_to: Mapped[str] = mapped_column(String(255), default="", server_default="")
    """The platform id of the message this one replies to ("" when none)."""
    vote: Mapped[dict[str, Any] | None]
    author: Mapped[str] = mapped_column(String(255), default="")
    occurred_at: Mapped[datetime]
    received_at: Mapped[datetime]
    processed_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    newest_topic: Mapped[str | None] = mapped_column(String(64))
    """The topic of the message's newest classification (None before one), kept by
    ``classifications.save`` in the same transaction; coverage counts read it from an index."""
    language: Mapped[str | None] = mapped_column(String(8))
    """ISO 639-1 code (or 'und') detected as the message is processed; None before."""


class Classification(Base):
    """One classifier verdict on a message; the newest per message counts."""

    __tablename__ = "classifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), index=True
    )
    sentiment: Mapped[str] = mapped_column(String(16))
    sentiment_scores: Mapped[dict[str, Any]]
    topic: Mapped[str] = mapped_column(String(64))
    topic_confidence: Mapped[float]
    model_version: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime]


class Correction(Base):
    """A staff relabel of a message's topic or sentiment; joins the examples on retrain."""

    __tablename__ = "corrections"
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), index=True
    )
    field: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(64))
    staff: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime]


class OutboxItem(Base):
    """A message waiting to go out; retried with back-off; failures stay visible."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_platform", "channel", "platform_message_id"),
        Index("ix_outbox_edit_key", "channel", "edit_key"),  # a waiting edit → superseded
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    platform_message_id: Mapped[str] = mapped_column(String(255), default="")
    edit_key: Mapped[str | None] = mapped_column(String(255))
    """The platform id of the post this item edits (None when it is not an edit)."""
    sending_at: Mapped[datetime | None]
    """When the attempt now under way was claimed (cleared when it settles): still set once its
    lease lapses means the sender stopped mid-send, so the outcome is unknown."""
    unsure: Mapped[int] = mapped_column(default=0, server_default="0")
    """Attempts whose outcome is unknown (a timeout after sending, a crash mid-send)."""
    maybe_twice: Mapped[bool] = mapped_column(default=False, server_default=false())
    """Sent again after an attempt of unknown outcome that could not be checked: the person may
    have received it twice."""


class Cursor(Base):
    """A durable named position: Telegram offset, X since_id."""

    __tablename__ = "cursors"
    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[str] = mapped_column(String(255))
    updated_at: Mapped[datetime]


class AuditEntry(Base):
    """Who did what, when: staff actions, exports, erasures, migrations."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(255), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
