"""SQL for a contact's person: the pseudonym their short name comes from (the person's first
contact's, so linked contacts share one name) and their customer group, as columns any list
can add (correlated, one index seek each)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from models.store.people.names import LENGTH
from models.store.rights.tables import ContactLink
from models.store.tables import Contact


def person_pseudonym(contact_id: Any) -> Any:
    """The pseudonym of the person a contact id belongs to (NULL for no contact): one
    subquery, correlated to the enclosing query through ``contact_id`` alone."""
    own, first = aliased(Contact), aliased(Contact)
    person = func.coalesce(ContactLink.person_id, own.id)
    return (
        select(first.pseudonym)
        .select_from(own)
        .outerjoin(ContactLink, ContactLink.contact_id == own.id)
        .join(first, first.id == person)
        .where(own.id == contact_id)
        .scalar_subquery()
    )


def person_group(contact_id: Any) -> Any:
    """The customer group of a contact (NULL when none is known)."""
    own = aliased(Contact)
    return select(own.customer_group).where(own.id == contact_id).scalar_subquery()


def person_short(contact_id: Any) -> Any:
    """The person's short pseudonym in SQL (names.short_name); an erased one as it is."""
    full = person_pseudonym(contact_id)
    short = func.upper(func.substr(full, 1, LENGTH))
    return func.coalesce(case((full.like("erased:%"), full), else_=short), "")
