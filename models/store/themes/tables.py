"""The themes tables: a theme (identity, centroid, what a lead decided), its weeks (size, label,
trend, sentiment mix, quote ids), which message fell in which theme, the weeks computed, and the
topics leads made from themes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from models.store.tables import Base


class Theme(Base):
    """One theme across weeks. ``centroid``: the unit mean of its latest week's embeddings
    (float32); ``status``: open, topic (a lead made a topic of it) or merged (into ``topic``)."""

    __tablename__ = "themes"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    centroid: Mapped[bytes] = mapped_column(LargeBinary)
    first_week: Mapped[str] = mapped_column(String(8))
    last_week: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default="open")
    topic: Mapped[str] = mapped_column(String(64), default="")
    decided_by: Mapped[str] = mapped_column(String(255), default="")
    decided_at: Mapped[datetime | None]


class ThemeWeek(Base):
    """A theme in one ISO week: how many messages, its label from that week's words, its trend
    against earlier weeks, the sentiment counts, and the ids of its three quotes (the texts are
    read and scrubbed when shown, so an erased message is never quoted)."""

    __tablename__ = "theme_weeks"
    __table_args__ = (Index("ix_theme_weeks_week", "week"),)
    theme_id: Mapped[int] = mapped_column(
        ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True
    )
    week: Mapped[str] = mapped_column(String(8), primary_key=True)
    size: Mapped[int]
    label: Mapped[str] = mapped_column(String(200))
    trend: Mapped[str] = mapped_column(String(8))
    sentiment: Mapped[dict[str, Any]]
    quotes: Mapped[list[int]] = mapped_column(JSON)


class ThemeMessage(Base):
    """Which theme a message fell in (in the week it was received)."""

    __tablename__ = "theme_messages"
    __table_args__ = (Index("ix_theme_messages_theme", "theme_id", "week"),)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True
    )
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"))
    week: Mapped[str] = mapped_column(String(8))


class ThemeRun(Base):
    """A week's themes computed: when, reading messages received up to ``until``, over how
    many messages (a week in progress is computed again as it fills)."""

    __tablename__ = "theme_runs"
    week: Mapped[str] = mapped_column(String(8), primary_key=True)
    computed_at: Mapped[datetime]
    until: Mapped[datetime]
    messages: Mapped[int]
    complete: Mapped[bool]


class LearnedTopic(Base):
    """A topic a lead made from a theme: its name, the team it goes to, where it came from.
    Its examples are the staff corrections written for the theme's messages."""

    __tablename__ = "learned_topics"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    team: Mapped[str] = mapped_column(String(64), default="")
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="SET NULL"))
    created_by: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime]
