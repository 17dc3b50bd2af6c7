"""Customer groups for the benchmarks' loaded people: the default groups with populations, and
two people in three placed in one (the third unknown, as after a partial import)."""

from __future__ import annotations

from sqlalchemy import case, literal, update

from config.groups import DEFAULT_GROUPS, CustomerGroups, Group
from models.store import Store
from models.store.tables import Contact

GROUPS = CustomerGroups(
    groups={name: Group(population=1000 * (i + 1)) for i, name in enumerate(DEFAULT_GROUPS)}
)


def _group_of() -> object:
    """contacts.id → a group for two people in three, none for the third."""
    whens = [(Contact.id % 12 == i, literal(name)) for i, name in enumerate(DEFAULT_GROUPS)]
    return case(*whens, else_=literal(None))


async def place_everyone(store: Store) -> None:
    """Give the loaded people their groups (one UPDATE)."""
    statement = update(Contact).values(customer_group=_group_of(), group_source="import")
    await store.people._durable.write(lambda c: c.execute(statement))
