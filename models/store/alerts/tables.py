"""Staff alert tables: each alert once (unique kind + subject), its sends per destination
(claimed, retried, settled), and the topic spikes in progress (one alert per spike)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from models.store.inbox.tables import InboxItem
from models.store.tables import Base

URGENT_WAITING = "priority = 'urgent' AND status IN ('new', 'open')"
Index(
    "ix_inbox_items_urgent_waiting",
    InboxItem.last_message_at,
    sqlite_where=text(URGENT_WAITING),
    postgresql_where=text(URGENT_WAITING),
)
"""The alert checker's look for urgent items waiting on staff (a few rows, however long the
queue)."""


class Alert(Base):
    """Something staff must hear about: an urgent item, a due time near or missed, a topic
    spike. ``subject`` names what it is about so that the same alert is raised only once."""

    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("kind", "subject"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(160))
    urgent: Mapped[bool] = mapped_column(default=False)
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("inbox_items.id", ondelete="CASCADE"), index=True
    )
    due_at: Mapped[datetime | None]  # the due time an item's due-time alert is about
    topic: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    send_after: Mapped[datetime]


class AlertSend(Base):
    """One alert to one destination (``slack``: handed to the outbox; ``email``): pending until
    due (a lease pushes ``next_attempt_at`` on, so a crashed sender's lease lapses and
    the send is due again), then sent, dropped (moot by then) or failed for good."""

    __tablename__ = "alert_sends"
    __table_args__ = (
        UniqueConstraint("alert_id", "destination"),
        Index(
            "ix_alert_sends_due",
            "next_attempt_at",
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"))
    destination: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None]
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", ondelete="SET NULL")
    )


class AlertSpike(Base):
    """A topic's spike in progress: when it began (its alert's subject) and when the detector
    last saw it; a spike unseen for a window is over, and the next one alerts again."""

    __tablename__ = "alert_spikes"
    topic: Mapped[str] = mapped_column(String(64), primary_key=True)
    started_at: Mapped[datetime]
    seen_at: Mapped[datetime]
