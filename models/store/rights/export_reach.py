"""A person's export, the reaching-out part: the advisory panel, their answers to "may we
contact you again?" and to the optional group question, and when the bot itself reached out to
them (the contact cap's ledger)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from models.store.polls.tables import Vote
from models.store.reach.tables import ContactAsk, GroupQuestion, PanelMember, ReengageConsent
from models.store.rights.scope import Scope


def reach(conn: Connection, scope: Scope) -> dict[str, Any]:
    """Panel membership, re-engagement consent, the group question and contacts made."""
    ids = list(scope.contact_ids)
    panel = conn.execute(select(PanelMember).where(PanelMember.contact_id.in_(ids))).all()
    consent = conn.execute(
        select(ReengageConsent.contact_id, ReengageConsent.asked_at, Vote.options)
        .outerjoin(
            Vote,
            (Vote.poll_id == ReengageConsent.poll_id)
            & (Vote.contact_id == ReengageConsent.contact_id),
        )
        .where(ReengageConsent.contact_id.in_(ids))
    )
    grouped = conn.execute(
        select(GroupQuestion.contact_id, GroupQuestion.asked_at, Vote.options)
        .outerjoin(
            Vote,
            (Vote.poll_id == GroupQuestion.poll_id) & (Vote.contact_id == GroupQuestion.contact_id),
        )
        .where(GroupQuestion.contact_id.in_(ids))
    )
    asks = conn.execute(
        select(ContactAsk).where(ContactAsk.contact_id.in_(ids)).order_by(ContactAsk.at)
    ).all()
    return {
        "panel": [
            {"contact_id": p.contact_id, "joined": p.joined_at.isoformat(), "via": p.via}
            for p in panel
        ],
        "contact_again": [
            {"contact_id": c, "asked": at.isoformat(), "answer": _answer(options)}
            for c, at, options in consent
        ],
        "group_question": [
            {"contact_id": c, "asked": at.isoformat(), "answer": _answer(options)}
            for c, at, options in grouped
        ],
        "contacted": [
            {"contact_id": a.contact_id, "kind": a.kind, "about": a.ref, "at": a.at.isoformat()}
            for a in asks
        ],
    }


def _answer(options: list[str] | None) -> str | None:
    """ "yes", "no", or None before they answered."""
    return str(options[0]) if options else None
