"""One person's export and erasure, each one transaction with its audit row."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from models.store.inbound import embeddings  # noqa: F401 - its table
from models.store.inbox import tables as inbox_tables  # noqa: F401 - their tables
from models.store.jobs.cursors import audit
from models.store.people.names import short_name
from models.store.polls import tables as poll_tables  # noqa: F401 - their tables
from models.store.reach import tables as reach_tables  # noqa: F401 - their tables
from models.store.rights import tables as rights_tables  # noqa: F401 - their tables
from models.store.rights.erase import erase
from models.store.rights.export import document
from models.store.rights.registry import TAG
from models.store.rights.scope import Who, find_contact, link, person_of, scope
from models.store.tables import Base, Contact
from models.store.themes import tables as theme_tables  # noqa: F401 - their tables


class NoSuchPerson(LookupError):
    """Nothing is held about the person a request names."""


@dataclass(frozen=True, slots=True)
class Erasure:
    """What an erasure did: the person's id and the rows touched per table (0 when none held)."""

    person_id: int | None
    touched: dict[str, int]

    @property
    def held(self) -> bool:
        """Whether anything was held (False for a repeated erasure)."""
        return self.person_id is not None


def _contact(conn: Connection, who: Who, key: bytes) -> int:
    found = find_contact(conn, who, key=key)
    if found is None:
        raise NoSuchPerson(f"nothing is held about {who.describe()}")
    return found


def export(conn: Connection, who: Who, *, key: bytes, actor: str) -> dict[str, Any]:
    """The person's document; the export is audited in the same transaction."""
    found = scope(conn, _contact(conn, who, key))
    doc = document(conn, found)
    subject, detail = f"person:{found.person_id}", {"person": doc["person"]}
    audit(conn, actor=actor, action="export_person", subject=subject, detail=detail)
    return doc


def erase_person(conn: Connection, who: Who, *, key: bytes, actor: str) -> Erasure:
    """Erase everything of the person (nothing held: a no-op, still audited as such)."""
    contact = find_contact(conn, who, key=key)
    if contact is None or _erased(conn, contact):
        audit(conn, actor=actor, action="erase_person", subject="", detail={"held": False})
        return Erasure(None, {})
    found = scope(conn, contact)
    name = short_name(_pseudonym(conn, found.person_id))
    touched = erase(conn, found, metadata=Base.metadata)
    subject, detail = f"person:{found.person_id}", {"held": True, "person": name}
    audit(conn, actor=actor, action="erase_person", subject=subject, detail=detail)
    return Erasure(found.person_id, touched)


def _pseudonym(conn: Connection, contact: int) -> str:
    return str(conn.execute(select(Contact.pseudonym).where(Contact.id == contact)).scalar_one())


def _erased(conn: Connection, contact: int) -> bool:
    """Whether the contact was erased already (found again by a queue item that stays)."""
    return _pseudonym(conn, contact).startswith(TAG)


def link_people(conn: Connection, a: Who, b: Who, *, key: bytes, actor: str) -> list[int]:
    """Link two contacts as one person; audited."""
    contacts = link(conn, _contact(conn, a, key), _contact(conn, b, key))
    subject = f"person:{person_of(conn, contacts[0])[0]}"
    audit(conn, actor=actor, action="link_contacts", subject=subject, detail={"contacts": contacts})
    return contacts


def checkpoint(conn: Connection) -> tuple[int, int, int]:
    """SQLite: copy the WAL into the database file and truncate it, so no old page image of
    an erased row stays on disk (secure_delete zeroes freed space); (busy, log, copied)."""
    driver = conn.connection.driver_connection
    assert driver is not None
    row = driver.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return int(row[0]), int(row[1]), int(row[2])
