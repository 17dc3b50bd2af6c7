"""TEMPORARY stand-in for the `inbox` branch's module (staff_users only, as in
/work/wt/_notes/staff_table.md); replaced by theirs when `inbox` is merged."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from models.store.tables import Base


class StaffUser(Base):
    """A member of staff who can log in to the inbox."""

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
