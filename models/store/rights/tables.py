"""Data-rights tables: which contacts on different channels are one person."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from models.store.tables import Base, Message, OutboxItem


class ContactLink(Base):
    """A contact's person: linked contacts share ``person_id`` (the lowest contact id of them),
    so one export or erasure covers the person on every channel. Unlinked contacts have no row."""

    __tablename__ = "contact_links"
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(index=True)


Index("ix_messages_contact_received", Message.contact_id, Message.received_at)
"""A person's messages (export, erase) and whether they wrote lately (retention)."""

Index("ix_outbox_message", OutboxItem.message_id)
"""The outbox rows of a person's messages (export, erase)."""
