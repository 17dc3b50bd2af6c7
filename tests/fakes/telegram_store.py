"""An in-memory stand-in for the store's sink, for adapter tests without the spine (the
cursors' is ``tests.fakes.cursors.MemoryCursors``)."""

from __future__ import annotations

from bot.channel import Receipt
from bot.events import InboundEvent
from bot.storable import Unstorable


class MemorySink:
    """An EventSink that stores each platform_id once, like the store's unique key."""

    def __init__(self) -> None:
        self.stored: dict[str, InboundEvent] = {}
        self.deliveries = 0
        self.fail = False
        self.refuse: set[str] = set()  # platform ids the store refuses for their content

    async def __call__(self, event: InboundEvent) -> Receipt:
        """Store once; say whether it was a duplicate."""
        if self.fail:
            raise OSError("store unavailable")
        if event.platform_id in self.refuse:
            raise Unstorable("the database refused this event's content")
        self.deliveries += 1
        duplicate = event.platform_id in self.stored
        self.stored.setdefault(event.platform_id, event)
        return Receipt(
            message_id=list(self.stored).index(event.platform_id) + 1, duplicate=duplicate
        )
