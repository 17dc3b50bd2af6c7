"""The leases table: one row per periodic job or exclusive platform connection."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from models.store.tables import Base


class JobLease(Base):
    """Who may do ``name`` (a job, or a connection such as Telegram's long poll) until when."""

    __tablename__ = "leases"
    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    lease_until: Mapped[datetime]
    acquired_at: Mapped[datetime]
