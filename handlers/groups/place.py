"""The grouping step: a person's customer group from the library's list (matched by hashed
handle) or else from where they wrote (the entry-point map); the stronger source stays."""

from __future__ import annotations

from collections import defaultdict

from config.groups import CustomerGroups
from handlers.context import Context, Stage
from models.store import Store


class PlaceInGroup:
    """For each batch: people the imported list names get its group; the others, the group of
    the place they wrote from, unless their group came from the list or an entry already."""

    name = "group"
    stage = Stage.AFTER_STORE

    def __init__(self, store: Store, groups: CustomerGroups) -> None:
        self._store = store
        self._groups = groups

    def applies(self, ctx: Context) -> bool:
        return ctx.contact_id is not None and not ctx.duplicate

    async def run(self, batch: list[Context]) -> None:
        people = sorted({c.contact_id for c in batch if c.contact_id is not None})
        await self._store.people.place_imported(contact_ids=people)
        for group, contacts in entries(batch, self._groups).items():
            await self._store.people.place(contact_ids=contacts, group=group, source="entry")


def entries(batch: list[Context], groups: CustomerGroups) -> dict[str, list[int]]:
    """Contacts per group their entry point names (pure)."""
    found: dict[str, set[int]] = defaultdict(set)
    for ctx in batch:
        group = groups.entry_group(ctx.channel.value, ctx.address.chat)
        if group and ctx.contact_id is not None:
            found[group].add(ctx.contact_id)
    return {g: sorted(c) for g, c in sorted(found.items())}
