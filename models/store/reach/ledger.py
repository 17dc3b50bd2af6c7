"""Recording contacts made and counting them per person."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import exists, func, insert, select
from sqlalchemy.engine import Connection

from models.store.reach.tables import ContactAsk
from models.store.tables import Message

KINDS = frozenset({"poll", "csat", "send", "reengage", "panel", "question"})


def record(conn: Connection, contact_ids: Sequence[int], kind: str, ref: str, at: datetime) -> None:
    """Note that the bot reached out to each of these contacts."""
    _known(kind)
    if contact_ids:
        conn.execute(
            insert(ContactAsk),
            [{"contact_id": c, "kind": kind, "ref": ref, "at": at} for c in contact_ids],
        )


def record_each(conn: Connection, refs: Mapping[int, str], kind: str, at: datetime) -> None:
    """Note one contact of ``kind`` with each contact at ``at``, each with its own ``ref``."""
    _known(kind)
    if refs:
        rows = [{"contact_id": c, "kind": kind, "ref": r, "at": at} for c, r in refs.items()]
        conn.execute(insert(ContactAsk), rows)


def _known(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown contact kind {kind!r} (known: {', '.join(sorted(KINDS))})")


def asked_since(
    conn: Connection, contact_ids: Sequence[int] | None, since: datetime
) -> dict[int, int]:
    """How often each contact was reached out to since a time (contacts never asked: absent);
    ``contact_ids=None``: everyone."""
    query = (
        select(ContactAsk.contact_id, func.count())
        .where(ContactAsk.at >= since)
        .group_by(ContactAsk.contact_id)
    )
    counts: dict[int, int] = {}
    if contact_ids is None:
        return {int(c): int(n) for c, n in conn.execute(query)}
    for start in range(0, len(contact_ids), 5000):
        chunk = list(contact_ids[start : start + 5000])
        rows = conn.execute(query.where(ContactAsk.contact_id.in_(chunk)))
        counts.update((int(c), int(n)) for c, n in rows)
    return counts


def came_back(conn: Connection, kind: str, since: datetime, until: datetime) -> tuple[int, int]:
    """Of the people reached out to with ``kind`` in [since, until), how many, and how many
    wrote (or answered) afterwards."""
    asked = (
        select(ContactAsk.contact_id, func.min(ContactAsk.at).label("at"))
        .where(ContactAsk.kind == kind, ContactAsk.at >= since, ContactAsk.at < until)
        .group_by(ContactAsk.contact_id)
        .subquery("asked")
    )
    wrote = exists().where(
        Message.contact_id == asked.c.contact_id,
        Message.direction == "in",
        Message.occurred_at > asked.c.at,
    )
    people = conn.execute(select(func.count()).select_from(asked)).scalar_one()
    back = conn.execute(select(func.count()).select_from(asked).where(wrote)).scalar_one()
    return int(people), int(back)
