"""Staff queue tables: staff accounts, queue items, replies and notes, CSAT, canned replies."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column

from models.store.tables import Base


class StaffUser(Base):
    """A member of staff who works the queue (agent), also assigns (lead), or administers."""

    __tablename__ = "staff_users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    team: Mapped[str] = mapped_column(String(64), default="")
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    disabled_at: Mapped[datetime | None]
    slack_user_id: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime]
    languages: Mapped[str] = mapped_column(String(64), default="", server_default="")
    """The languages they read, ISO 639-1 codes comma-separated ('' = not said)."""


class InboxItem(Base):
    """What one person asked in one conversation: their next messages join it; after resolve,
    a new message reopens it. Topic and sentiment are the latest message's (or a relabel).
    Staff may split messages into a further item of the same person and conversation
    (``part`` 1, 2, ...); which item each message belongs to is in ``inbox_item_messages``."""

    __tablename__ = "inbox_items"
    __table_args__ = (
        UniqueConstraint("conversation_id", "contact_id", "part"),
        Index("ix_inbox_items_status_due", "status", "due_at", "id"),
        Index("ix_inbox_items_team_status_due", "team", "status", "due_at", "id"),
        Index("ix_inbox_items_assignee_status_due", "assignee_id", "status", "due_at", "id"),
        Index("ix_inbox_items_updated", "updated_at"),  # the staff channel's catch-up
        Index(
            "ix_inbox_items_open_due",
            "due_at",
            "id",
            sqlite_where=text("status <> 'resolved'"),
            postgresql_where=text("status <> 'resolved'"),
        ),
        Index(
            "ix_inbox_items_open_activity",
            "last_message_at",
            sqlite_where=text("status <> 'resolved'"),
            postgresql_where=text("status <> 'resolved'"),
        ),
        Index(
            "ix_inbox_items_open_topic",
            "topic",
            "due_at",
            sqlite_where=text("status <> 'resolved'"),
            postgresql_where=text("status <> 'resolved'"),
        ),
        Index(
            "ix_inbox_items_open_channel",
            "channel",
            "due_at",
            sqlite_where=text("status <> 'resolved'"),
            postgresql_where=text("status <> 'resolved'"),
        ),
        Index(
            "ix_inbox_items_open_language",
            "language",
            "due_at",
            sqlite_where=text("status <> 'resolved'"),
            postgresql_where=text("status <> 'resolved'"),
        ),
        Index(
            "ix_inbox_items_snoozed",
            "snoozed_until",
            sqlite_where=text("status = 'snoozed'"),
            postgresql_where=text("status = 'snoozed'"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="new")
    team: Mapped[str] = mapped_column(String(64), default="")
    team_manual: Mapped[bool] = mapped_column(default=False, server_default=false())
    """A lead set the team by hand: a topic correction no longer moves the item."""
    part: Mapped[int] = mapped_column(default=0, server_default="0")
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    priority: Mapped[str] = mapped_column(String(8), default="normal")
    topic: Mapped[str] = mapped_column(String(64), default="")
    sentiment: Mapped[str] = mapped_column(String(16), default="")
    language: Mapped[str] = mapped_column(String(8), default="und", server_default="und")
    first_message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"))
    last_message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"))
    last_message_at: Mapped[datetime]
    clock_from: Mapped[datetime]
    due_at: Mapped[datetime]
    snoozed_until: Mapped[datetime | None]
    first_response_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    reopened: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ItemMessage(Base):
    """Which item a routed message of the person belongs to (a split moves some)."""

    __tablename__ = "inbox_item_messages"
    __table_args__ = (Index("ix_inbox_item_messages_item", "item_id", "message_id"),)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("inbox_items.id", ondelete="CASCADE"))


class InboxEntry(Base):
    """A staff reply (linked to the outbox row that carries it) or a private note."""

    __tablename__ = "inbox_entries"
    __table_args__ = (Index("ix_inbox_entries_item", "item_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("inbox_items.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", ondelete="SET NULL"), index=True
    )
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]


class InboxCsat(Base):
    """The one satisfaction question of an item: its poll, who resolved it, and the answer."""

    __tablename__ = "inbox_csat"
    item_id: Mapped[int] = mapped_column(
        ForeignKey("inbox_items.id", ondelete="CASCADE"), primary_key=True
    )
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), unique=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    score: Mapped[int | None]
    asked_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]


class ItemResolution(Base):
    """One resolve of an item, kept when it is reopened (``reopened_at`` set then): the digest
    counts a week's resolutions and their times from these rows, never from the item's state,
    so a closed week's figures stay as they were. ``opened_at`` starts the round: the item's
    creation, or its last reopening."""

    __tablename__ = "item_resolutions"
    __table_args__ = (
        Index("ix_item_resolutions_resolved", "resolved_at"),
        Index("ix_item_resolutions_item", "item_id", "resolved_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("inbox_items.id", ondelete="CASCADE"))
    team: Mapped[str] = mapped_column(String(64), default="")
    opened_at: Mapped[datetime]
    resolved_at: Mapped[datetime]
    reopened_at: Mapped[datetime | None]


class CannedReply(Base):
    """A ready-made reply leads manage in the inbox (the config file's are the defaults)."""

    __tablename__ = "inbox_canned_replies"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    text: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime]
