"""Describing a person found (models/store/rights/scope.py finds them by handle or pseudonym)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Connection

from models.store.people.names import short_name
from models.store.rights.scope import person_of
from models.store.tables import Contact


@dataclass(frozen=True, slots=True)
class Found:
    """A person: their short name, group, and contacts (channel, full pseudonym)."""

    person: str
    group: str | None
    group_source: str | None
    contacts: list[tuple[str, str]]


def describe(conn: Connection, contact_id: int) -> Found:
    """The person a contact belongs to, as ``people find`` shows them."""
    person, contacts = person_of(conn, contact_id)
    query = select(
        Contact.id, Contact.channel, Contact.pseudonym, Contact.customer_group, Contact.group_source
    ).where(Contact.id.in_(contacts))
    rows = {i: (c, p, g, s) for i, c, p, g, s in conn.execute(query.order_by(Contact.id))}
    first = rows.get(person) or next(iter(rows.values()))
    placed = next((r for r in rows.values() if r[2]), first)
    return Found(
        person=short_name(first[1]),
        group=placed[2],
        group_source=placed[3],
        contacts=[(c, p) for c, p, _, _ in rows.values()],
    )
