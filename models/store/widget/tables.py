"""Widget sessions the server issued, and the fixed-window counters behind the rate limits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.store.tables import Base


class WidgetSession(Base):
    """An issued widget session, stored by the SHA-256 of its id (the id itself is not kept)."""

    __tablename__ = "widget_sessions"
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
    ended_at: Mapped[datetime | None]


class RateCounter(Base):
    """How many requests one key (a session, an address) made in one window."""

    __tablename__ = "rate_counters"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    window: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    count: Mapped[int]

    __table_args__ = (Index("ix_rate_counters_window", "window"),)
