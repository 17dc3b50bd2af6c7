"""Setting people's customer groups: from the library's imported list (matched by hashed
handle), from where they wrote (entry point), or from what they said (asked); the stronger
source is never overwritten by a weaker one."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from models.store.people.handles import handle_hash
from models.store.people.tables import ContactHandle, GroupImport
from models.store.tables import Contact, ContactAddress
from models.store.upsert import insert_ignore

WEAKER = {"import": ("import", "entry", "asked"), "entry": ("entry", "asked"), "asked": ("asked",)}
"""The sources a new one may replace (besides none): itself and those weaker."""


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One row of the library's list, already hashed: channel, handle hash, group."""

    channel: str
    hash: str
    group: str


def handle_rows(
    key: bytes, contact_id: int, channel: str, handles: Iterable[str]
) -> list[dict[str, Any]]:
    """contact_handles rows for the handles a contact is known by (empty ones left out)."""
    hashes = {handle_hash(key, channel, h) for h in handles} - {""}
    return [{"hash": h, "contact_id": contact_id} for h in sorted(hashes)]


def remember_handles(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Keep hashed handles (a handle already held stays with its contact)."""
    if rows:
        ordered = sorted(rows, key=lambda r: str(r["hash"]))  # one lock order (PostgreSQL)
        conn.execute(insert_ignore(conn.dialect.name, ContactHandle), ordered)


def import_groups(conn: Connection, rows: Sequence[ImportRow], at: datetime, key: bytes) -> int:
    """Store the list (a handle listed again takes its new group) and give the people already
    known by those handles their group; how many known people it placed."""
    if not rows:
        return 0
    backfill_handles(conn, key)
    module: Any = sqlite if conn.dialect.name == "sqlite" else postgresql
    statement = module.insert(GroupImport)
    statement = statement.on_conflict_do_update(
        index_elements=["hash"],
        set_={"customer_group": statement.excluded.customer_group, "imported_at": at},
    )
    values = [
        {"hash": r.hash, "channel": r.channel, "customer_group": r.group, "imported_at": at}
        for r in {r.hash: r for r in rows}.values()
    ]
    conn.execute(statement, values)
    known = select(ContactHandle.contact_id).where(ContactHandle.hash.in_([r.hash for r in rows]))
    ids = sorted(set(conn.execute(known).scalars()))
    return place_imported(conn, ids)


def backfill_handles(conn: Connection, key: bytes) -> None:
    """Hash the platform user id of contacts recorded before handles were kept."""
    if not key:
        return
    held = select(ContactHandle.contact_id)
    query = (
        select(Contact.id, Contact.channel, ContactAddress.platform_user_id)
        .join(ContactAddress, ContactAddress.contact_id == Contact.id)
        .where(Contact.id.not_in(held))
    )
    rows = [r for i, c, u in conn.execute(query) for r in handle_rows(key, i, c, [u])]
    remember_handles(conn, rows)


def place_imported(conn: Connection, contact_ids: Sequence[int]) -> int:
    """Give these contacts the group the imported list holds for any of their handles."""
    if not contact_ids:
        return 0
    listed = (
        select(GroupImport.customer_group)
        .join(ContactHandle, ContactHandle.hash == GroupImport.hash)
        .where(ContactHandle.contact_id == Contact.id)
        .order_by(GroupImport.imported_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    matched = exists().where(
        ContactHandle.contact_id == Contact.id, ContactHandle.hash == GroupImport.hash
    )
    statement = (
        update(Contact)
        .where(Contact.id.in_(list(contact_ids)), matched)
        .values(customer_group=listed, group_source="import")
    )
    return int(conn.execute(statement).rowcount or 0)


def place(conn: Connection, contact_ids: Sequence[int], group: str, source: str) -> int:
    """Give contacts a group from ``source`` unless a stronger source placed them; how many."""
    if not contact_ids:
        return 0
    replaceable = or_(Contact.group_source.is_(None), Contact.group_source.in_(WEAKER[source]))
    statement = (
        update(Contact)
        .where(Contact.id.in_(list(contact_ids)), replaceable)
        .values(customer_group=group, group_source=source)
    )
    return int(conn.execute(statement).rowcount or 0)


def unplace_asked(conn: Connection, contact_ids: Sequence[int]) -> int:
    """Clear the group of contacts whose group came only from their answer; how many."""
    if not contact_ids:
        return 0
    statement = (
        update(Contact)
        .where(Contact.id.in_(list(contact_ids)), Contact.group_source == "asked")
        .values(customer_group=None, group_source=None)
    )
    return int(conn.execute(statement).rowcount or 0)


def entry_settled(conn: Connection, pseudonym: str, group: str) -> int | None:
    """The contact of this pseudonym if placing it in ``group`` by entry point would change
    nothing (already of that group, or placed by a stronger source); else None."""
    found = conn.execute(
        select(Contact.id, Contact.customer_group, Contact.group_source).where(
            Contact.pseudonym == pseudonym
        )
    ).first()
    if found is None:
        return None
    contact_id, current, source = found
    stronger = source is not None and source not in WEAKER["entry"]
    return int(contact_id) if current == group or stronger else None


def place_new(conn: Connection, channel: str, pseudonym: str, group: str, at: datetime) -> int:
    """A person known before they write (a widget session opened with a group): their contact,
    placed by entry point; its id."""
    conn.execute(
        insert_ignore(conn.dialect.name, Contact),
        [{"channel": channel, "pseudonym": pseudonym, "created_at": at}],
    )
    found = select(Contact.id).where(Contact.pseudonym == pseudonym)
    contact_id = int(conn.execute(found).scalar_one())
    place(conn, [contact_id], group, "entry")
    return contact_id
