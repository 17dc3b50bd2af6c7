"""In-memory stand-ins for the store's sink and cursors, for adapter tests without the spine."""

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


class MemoryCursors:
    """Cursors in a dict."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    async def get(self, *, name: str) -> str | None:
        """The stored value, or None."""
        return self.values.get(name)

    async def set(self, *, name: str, value: str) -> None:
        """Store a value."""
        self.values[name] = value
