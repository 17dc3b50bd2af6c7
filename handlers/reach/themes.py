"""The seam through which a send reads a theme's messages: themes are built elsewhere
(``store.themes``); the composition root hands in whatever resolves a theme id."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class ThemeMessages(Protocol):
    """Resolves a theme id to the ids of its messages (None: no such theme)."""

    async def messages_of(self, theme_id: str) -> Sequence[int] | None:
        """The theme's message ids, or None when there is no such theme."""
        ...


class NoThemes:
    """Until themes are wired in: every theme id is unknown."""

    async def messages_of(self, theme_id: str) -> Sequence[int] | None:
        """No theme is known."""
        del theme_id
        return None
