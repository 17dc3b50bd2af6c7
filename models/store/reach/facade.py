"""``store.reach``: the contact ledger, keyword-only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from models.store.reach import ledger
from models.store.runner import Runner


class ReachStore:
    """Contacts the bot made, for the per-person cap and "already asked" figures."""

    def __init__(self, *, durable: Runner, derived: Runner) -> None:
        self._durable = durable
        self._db = derived

    async def record(
        self, *, contact_ids: Sequence[int], kind: str, ref: str = "", at: datetime
    ) -> None:
        """Note one contact of ``kind`` with each of these contacts at ``at``."""
        await self._durable.write(ledger.record, contact_ids, kind, ref, at)

    async def asked_since(
        self, *, since: datetime, contact_ids: Sequence[int] | None = None
    ) -> dict[int, int]:
        """Contacts made per contact since a time (``contact_ids=None``: everyone asked)."""
        return await self._db.read(ledger.asked_since, contact_ids, since)
