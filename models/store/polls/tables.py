"""Poll tables: definitions, where each was posted, and one vote per poll per person."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.store.tables import Base


class Poll(Base):
    """A question with fixed options, sent to one or more channels."""

    __tablename__ = "polls"
    id: Mapped[int] = mapped_column(primary_key=True)
    question: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    options: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    anonymous: Mapped[bool] = mapped_column(default=False)
    live_results: Mapped[bool] = mapped_column(default=False)
    follow_up: Mapped[str] = mapped_column(Text, default="")
    post_results: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    repeat_days: Mapped[int | None]
    created_at: Mapped[datetime]
    even_in_quiet: Mapped[bool] = mapped_column(default=False)
    """Sent even while a quiet period of the academic calendar lasts (else it waits)."""


class PollTarget(Base):
    """An audience: a chat or channel on one platform (or the widget), with its size if known."""

    __tablename__ = "poll_targets"
    __table_args__ = (UniqueConstraint("poll_id", "channel", "chat"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat: Mapped[str] = mapped_column(String(255))
    audience_size: Mapped[int | None]
    sent_at: Mapped[datetime | None]


class Vote(Base):
    """A person's current answer to a poll: the latest counts; empty options = retracted."""

    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("poll_id", "contact_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    options: Mapped[list[str]] = mapped_column(JSON)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    voted_at: Mapped[datetime]
    follow_up_asked_at: Mapped[datetime | None]
    follow_up_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", ondelete="SET NULL")
    )


class PollAggregate(Base):
    """Counts a platform reports without voters (X native polls): the latest reading."""

    __tablename__ = "poll_aggregates"
    __table_args__ = (UniqueConstraint("poll_id", "channel", "option_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    option_key: Mapped[str] = mapped_column(String(32))
    count: Mapped[int]
    read_at: Mapped[datetime]


class PollPosting(Base):
    """Where a poll was posted: one row per platform message that asks it, written when the
    send settles. ``style`` is how it is answered there: "buttons", "native" or "reply"."""

    __tablename__ = "poll_posts"
    __table_args__ = (
        UniqueConstraint("channel", "platform_message_id"),
        Index("ix_poll_posts_poll", "poll_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    chat: Mapped[str] = mapped_column(String(255))
    platform_message_id: Mapped[str] = mapped_column(String(255))
    style: Mapped[str] = mapped_column(String(16))
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), index=True
    )
    posted_at: Mapped[datetime]
