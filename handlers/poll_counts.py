"""Reading back counts that a platform keeps for its native polls (X): no voters, only totals.

X bills every read, so this runs every few minutes, not on each vote.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.channel import Capabilities
from bot.events import Channel
from handlers.worker import WorkerLoop
from models.store import Store

log = logging.getLogger(__name__)
ReadCounts = Callable[[str], Awaitable[dict[str, int]]]
"""A platform poll id → its counts by option label."""


class PollCountReader:
    """Stores the latest counts of every open native poll on one channel."""

    def __init__(
        self,
        store: Store,
        channel: Channel,
        read: ReadCounts,
        capabilities: Capabilities,
        *,
        interval_s: float,
    ) -> None:
        self._store = store
        self._channel = channel
        self._read = read
        self._chars = capabilities.max_option_chars  # the platform shows labels cut to this
        self._loop = WorkerLoop(
            f"{channel.value}-poll-counts", self.run_once, full=1, idle_s=interval_s
        )

    def start(self) -> None:
        """Start reading periodically."""
        self._loop.start()

    async def stop(self) -> None:
        """Stop reading."""
        await self._loop.stop()

    async def run_once(self) -> int:
        """Read every open native poll once; returns 0 (the loop then waits its interval)."""
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
        return 0
