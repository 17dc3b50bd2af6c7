"""The staff web side's own tables: server-side sessions, failed logins, "last looked" marks.

Staff accounts themselves (``staff_users``) are defined with the queue, in inbox/tables.py."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.store.tables import Base


class StaffSession(Base):
    """A logged-in browser; the cookie holds the random id, the table only its SHA-256."""

    __tablename__ = "staff_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class LoginFailure(Base):
    """One wrong password (or unknown e-mail), or an attempt still being checked, for
    throttling; ``device`` is the known device it counts against ('' for a stranger's). Old rows
    are pruned."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_email", "email", "at"),
        Index("ix_login_failures_ip", "ip", "at"),
        Index("ix_login_failures_device", "device", "at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255))
    ip: Mapped[str] = mapped_column(String(64))
    device: Mapped[str] = mapped_column(String(64), default="", server_default="")
    at: Mapped[datetime]


class StaffSeen(Base):
    """When a member of staff last marked the queue as seen ("new since I last looked")."""

    __tablename__ = "staff_seen"
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), primary_key=True
    )
    queue_seen_at: Mapped[datetime]
