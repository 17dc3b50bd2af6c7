"""Reaching out: the contact ledger (every time the bot itself started a message to a person),
the advisory panel, re-engagement consent, and targeted sends with their recipients."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
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


class PanelMember(Base):
    """A person on the advisory panel (joined by a keyword, the widget's button or a poll
    option; leaving deletes the row)."""

    __tablename__ = "panel_members"
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    joined_at: Mapped[datetime]
    via: Mapped[str] = mapped_column(String(16))


class ReengageConsent(Base):
    """The one "may we contact you again now and then?" question a person was asked: the
    yes/no poll that asks it (their vote on it is the answer)."""

    __tablename__ = "reengage_consents"
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    asked_at: Mapped[datetime]


class GroupQuestion(Base):
    """The one optional "which of these are you?" question a person was asked (even if they
    skipped it): the choice poll that asks it (their vote on it is the answer)."""

    __tablename__ = "group_questions"
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    asked_at: Mapped[datetime]


class TargetedSend(Base):
    """A send to an audience: who chose it (no personal data), what went, and its report."""

    __tablename__ = "targeted_sends"
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))
    """``poll``, ``send`` (a message), ``panel`` (an invitation to the panel's members) or
    ``reengage``."""
    poll_id: Mapped[int | None] = mapped_column(ForeignKey("polls.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text, default="")
    audience: Mapped[dict[str, Any]]
    report: Mapped[dict[str, Any]]


class SendRecipient(Base):
    """One person a send told, where, and the message that told them (for the reply tally)."""

    __tablename__ = "send_recipients"
    __table_args__ = (Index("ix_send_recipients_contact", "contact_id"),)
    send_id: Mapped[int] = mapped_column(
        ForeignKey("targeted_sends.id", ondelete="CASCADE"), primary_key=True
    )
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"))
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
