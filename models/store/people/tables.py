"""The hashed handles people are known by, and the library's imported group list (hashed)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from models.store.tables import Base, Message


class ContactHandle(Base):
    """A handle a contact is known by (platform user id, Telegram @username, X @handle), kept
    only as a keyed hash (``handles.handle_hash``): enough to find them, not to read it back."""

    __tablename__ = "contact_handles"
    hash: Mapped[str] = mapped_column(String(40), primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )


class GroupImport(Base):
    """One row of the library's own list (``people import-groups``): a hashed handle → group."""

    __tablename__ = "group_imports"
    hash: Mapped[str] = mapped_column(String(40), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    customer_group: Mapped[str] = mapped_column(String(32))
    imported_at: Mapped[datetime]


HEARD = "direction = 'in' AND kind = 'message' AND contact_id IS NOT NULL"
"""The messages coverage counts: what people wrote (``coverage._written``)."""

# Coverage counts distinct (person, channel) and (person, topic) pairs of a span: each is one
# scan of a narrow index in person order, with no lookup into the wide messages rows and no
# sort. ``direction`` and ``kind`` are in the keys too, or SQLite would not see the index as
# covering.
for _name, _column in (("channel", Message.channel), ("topic", Message.newest_topic)):
    Index(
        f"ix_messages_heard_{_name}",
        Message.contact_id,
        _column,
        Message.occurred_at,
        Message.direction,
        Message.kind,
        sqlite_where=text(HEARD),
        postgresql_where=text(HEARD),
    )
