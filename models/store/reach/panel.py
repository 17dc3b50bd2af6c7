"""The advisory panel (join, leave, members by customer group as pseudonyms only) and the
answers to the one "may we contact you again?" question (asked in ``questions``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Connection

from bot.events import utcnow
from models.store.polls.tables import Vote
from models.store.reach.tables import PanelMember, ReengageConsent
from models.store.tables import Contact
from models.store.upsert import insert_ignore


def join(conn: Connection, contact_id: int, via: str) -> bool:
    """Add the contact to the panel; False when they were on it already."""
    row = {"contact_id": contact_id, "joined_at": utcnow(), "via": via}
    stmt = insert_ignore(conn.dialect.name, PanelMember).returning(PanelMember.contact_id)
    return conn.execute(stmt, [row]).first() is not None


def leave(conn: Connection, contact_id: int) -> bool:
    """Take the contact off the panel; False when they were not on it."""
    gone = conn.execute(delete(PanelMember).where(PanelMember.contact_id == contact_id))
    return bool(gone.rowcount)


def members(conn: Connection) -> list[tuple[str | None, str, datetime]]:
    """(group, pseudonym, joined) of every member, by group then pseudonym."""
    rows = conn.execute(
        select(Contact.customer_group, Contact.pseudonym, PanelMember.joined_at)
        .select_from(PanelMember)
        .join(Contact, Contact.id == PanelMember.contact_id)
        .order_by(Contact.customer_group, Contact.pseudonym)
    )
    return [(g, p, at) for g, p, at in rows]


def by_group(conn: Connection) -> dict[str, int]:
    """How many members each group has ("" for people of no known group)."""
    rows = conn.execute(
        select(Contact.customer_group, func.count())
        .select_from(PanelMember)
        .join(Contact, Contact.id == PanelMember.contact_id)
        .group_by(Contact.customer_group)
    )
    return {g or "": int(n) for g, n in rows}


def consented(conn: Connection, contact_ids: Sequence[int] | None = None) -> list[int]:
    """The contacts whose answer to "may we contact you again?" is yes (their latest vote)."""
    query = (
        select(ReengageConsent.contact_id, Vote.options)
        .join(
            Vote,
            (Vote.poll_id == ReengageConsent.poll_id)
            & (Vote.contact_id == ReengageConsent.contact_id),
        )
        .order_by(ReengageConsent.contact_id)
    )
    if contact_ids is not None:
        query = query.where(ReengageConsent.contact_id.in_(list(contact_ids)))
    return [int(c) for c, options in conn.execute(query) if list(options or []) == ["yes"]]


def asked_consent(conn: Connection, contact_ids: Sequence[int]) -> set[int]:
    """Which of these contacts were asked already."""
    query = select(ReengageConsent.contact_id).where(
        ReengageConsent.contact_id.in_(list(contact_ids))
    )
    return {int(c) for c in conn.execute(query).scalars()}


def vote_options(conn: Connection, message_ids: Sequence[int]) -> dict[int, list[str]]:
    """The options each counted vote event chose (by the vote's message id)."""
    query = select(Vote.message_id, Vote.options).where(Vote.message_id.in_(list(message_ids)))
    return {int(m): [str(o) for o in options or []] for m, options in conn.execute(query)}
