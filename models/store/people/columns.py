"""SQL for a contact's person: the pseudonym their short name comes from (the person's first
contact's, so linked contacts share one name) and their customer group, as columns any list
can add (correlated, one index seek each)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from models.store.rights.tables import ContactLink
from models.store.tables import Contact


def person_pseudonym(contact_id: Any) -> Any:
    """The pseudonym of the person a contact id belongs to (NULL for no contact)."""
    first = aliased(Contact)
    linked = select(ContactLink.person_id).where(ContactLink.contact_id == contact_id)
    person = func.coalesce(linked.scalar_subquery(), contact_id)
    return select(first.pseudonym).where(first.id == person).scalar_subquery()


def person_group(contact_id: Any) -> Any:
    """The customer group of a contact (NULL when none is known)."""
    own = aliased(Contact)
    return select(own.customer_group).where(own.id == contact_id).scalar_subquery()
