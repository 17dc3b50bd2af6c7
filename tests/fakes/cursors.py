"""The one in-memory stand-in for the store's cursors (the ``Cursors`` seam), for adapter tests
without the store."""

from __future__ import annotations


class MemoryCursors:
    """Cursors in a dict, with a history of every write."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self.writes: list[tuple[str, str]] = []

    async def get(self, *, name: str) -> str | None:
        """The cursor's value, or None."""
        return self.values.get(name)

    async def set(self, *, name: str, value: str) -> None:
        """Set the cursor."""
        self.values[name] = value
        self.writes.append((name, value))
