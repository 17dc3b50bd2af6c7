"""``store.people``: customer groups, hashed handles, finding a person, coverage counts."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime

from models.store.inbound.record import pseudonym
from models.store.people import coverage, find, groups
from models.store.people.coverage import Heard
from models.store.people.find import Found
from models.store.people.groups import ImportRow
from models.store.people.handles import handle_hash
from models.store.rights.scope import Who, find_contact
from models.store.runner import Runner


class PeopleStore:
    """Who people are, as far as the library may know: group, handles (hashed), one name."""

    def __init__(self, *, durable: Runner, derived: Runner, key: bytes) -> None:
        self._durable = durable
        self._db = derived
        self._key = key

    def hashed(self, *, channel: str, handle: str) -> str:
        """A handle's keyed hash (what an import stores instead of the handle)."""
        return handle_hash(self._key, channel, handle)

    async def import_groups(self, *, rows: Sequence[ImportRow], at: datetime) -> int:
        """Keep the library's hashed list; place the people already known; how many."""
        return await self._durable.write(groups.import_groups, rows, at, self._key)

    async def place_imported(self, *, contact_ids: Sequence[int]) -> int:
        """Give contacts the group the imported list holds for any of their handles."""
        return await self._db.write(groups.place_imported, contact_ids)

    async def place(self, *, contact_ids: Sequence[int], group: str, source: str) -> int:
        """Give contacts a group unless a stronger source placed them."""
        return await self._db.write(groups.place, contact_ids, group, source)

    async def unplace_asked(self, *, contact_ids: Sequence[int]) -> int:
        """Clear the group of contacts placed only by what they said (they took it back)."""
        return await self._db.write(groups.unplace_asked, contact_ids)

    async def place_session(self, *, channel: str, sender: str, group: str, at: datetime) -> int:
        """The contact of a sender not yet heard from (a widget session), placed by entry;
        only a read when that changes nothing (a refreshed page, a crawler's repeat visit)."""
        who = pseudonym(self._key, channel, sender)
        settled = await self._db.read(groups.entry_settled, who, group)
        if settled is not None:
            return settled
        return await self._durable.write(groups.place_new, channel, who, group, at)

    async def find(self, *, who: Who) -> int | None:
        """The contact a handle or pseudonym names (``scope.Ambiguous`` for a short one that
        several people's start with)."""
        return await self._db.read(find_contact, who, key=self._key)

    async def describe(self, *, contact_id: int) -> Found:
        """The person a contact belongs to: short name, group, contacts."""
        return await self._db.read(find.describe, contact_id)

    async def heard(self, *, since: datetime, until: datetime, topics: bool = True) -> Heard:
        """Distinct people heard from per group, channel and topic in [since, until). The topic
        counts are a query of their own, asked at the same time (PostgreSQL answers both at
        once on two connections)."""
        if not topics:
            return Heard(*await self._db.read(coverage.heard, since, until), {})
        (people, channels), by_topic = await asyncio.gather(
            self._db.read(coverage.heard, since, until),
            self._db.read(coverage.by_topic, since, until),
        )
        return Heard(people, channels, by_topic)
