"""Reading back counts that a platform keeps for its native polls (X): no voters, only totals.

X bills every read, so this runs every few minutes, not on each vote.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.channel import Capabilities
from bot.events import Channel
from models.store import Store

log = logging.getLogger(__name__)
ReadCounts = Callable[[str], Awaitable[dict[str, int]]]
"""A platform poll id → its counts by option label."""


class PollCountReader:
    """A job (see handlers/jobs.py): store the latest counts of every open native poll on one
    channel; one process reads at a time (by lease), so X bills each reading once."""

    def __init__(
        self,
        store: Store,
        channel: Channel,
        read: ReadCounts,
        capabilities: Capabilities,
        *,
        every: timedelta,
    ) -> None:
        self._store = store
        self._channel = channel
        self._read = read
        self._chars = capabilities.max_option_chars  # the platform shows labels cut to this
        self.name = f"{channel.value}-poll-counts"
        self.every = every

    async def run(self, now: datetime) -> None:
        """Read every open native poll once."""
        await self.read_all()

    async def read_all(self) -> int:
        """Read every open native poll once; returns how many were read."""
        read = 0
        for poll_id, platform_id in await self._store.polls.native_posts(
            channel=self._channel.value
        ):
            poll = await self._store.polls.get(poll_id=poll_id)
            if poll is None:
                continue
            by_label = await self._read(platform_id)
            counts = {key: by_label.get(label[: self._chars], 0) for key, label in poll.options}
            await self._store.polls.save_counts(
                poll_id=poll_id, channel=self._channel.value, counts=counts
            )
            read += 1
        return read
