"""Staff channel tables: each queue item's card in Slack, and the staff actions already done."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.store.tables import Base


class BridgeCard(Base):
    """A queue item's card in the staff channel: the outbox row that posts it, its Slack ts
    once that send settled, and a digest of what it shows now (so an unchanged card is not
    edited)."""

    __tablename__ = "bridge_cards"
    __table_args__ = (Index("ix_bridge_cards_message", "chat", "ts"),)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("inbox_items.id", ondelete="CASCADE"), primary_key=True
    )
    chat: Mapped[str] = mapped_column(String(64))
    ts: Mapped[str] = mapped_column(String(64), default="")
    post_outbox_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox.id", ondelete="SET NULL"), index=True
    )
    shown: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class BridgeSeen(Base):
    """A staff action from Slack that was acted on, keyed by Slack's own ids (redeliveries
    of the same payload find it here and do nothing)."""

    __tablename__ = "bridge_seen"
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    at: Mapped[datetime]


class BridgePost(Base):
    """A message the staff channel got about an item (its card, an edit, a thread line): so
    that a person's export and erasure reach the copies of their words there too."""

    __tablename__ = "bridge_posts"
    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[int] = mapped_column(
        ForeignKey("inbox_items.id", ondelete="CASCADE"), index=True
    )
