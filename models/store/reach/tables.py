"""The contact ledger: every time the bot itself reached out to a person."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.store.tables import Base


class ContactAsk(Base):
    """One message the bot started towards a contact: a poll invitation, a CSAT question, a
    targeted send, a re-engagement message. ``ref`` names what (e.g. the poll id)."""

    __tablename__ = "contact_asks"
    __table_args__ = (Index("ix_contact_asks_contact_at", "contact_id", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    ref: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[datetime]
