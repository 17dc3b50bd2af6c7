"""``store.processing``: the work queue of stored inbound events still to be processed,
keyword-only; each call is one short transaction."""

from __future__ import annotations

from datetime import datetime, timedelta

from models.store.jobs import processing
from models.store.runner import Runner


class ProcessingStore:
    """Stored events still owed the after-store steps: leased, finished, failed, released."""

    def __init__(self, *, derived: Runner) -> None:
        self._db = derived

    async def claim(
        self, *, limit: int, lease: timedelta, max_attempts: int
    ) -> list[processing.Pending]:
        """Lease stored events that still need the after-store steps."""
        return await self._db.write(
            processing.claim, limit=limit, lease=lease, max_attempts=max_attempts
        )

    async def done(self, *, ids: list[int]) -> None:
        """The after-store steps finished for these events."""
        await self._db.write(processing.done, ids)

    async def failed(self, *, message_id: int, error: str, retry_at: datetime) -> None:
        """The after-store steps failed; try again later."""
        await self._db.write(processing.failed, message_id, error=error, retry_at=retry_at)

    async def release(self, *, ids: list[int]) -> None:
        """Hand claimed events back unfinished (a clean stop), due again at once."""
        await self._db.write(processing.release, ids)

    async def acknowledge_first(self, *, ids: list[int], every: timedelta) -> set[int]:
        """Mark and return the conversations not acknowledged within ``every``."""
        return await self._db.write(processing.acknowledge_first, ids, every=every)
