"""Themes as other areas read them: the poll page's "related themes" and a send's
``--theme ID`` audience, both over ``store.themes``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from handlers.polls.theme_lookup import RelatedTheme
from models.store import Store


class StoredThemes:
    """The stored themes: near a question's embedding, or one theme's messages."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def similar(self, vector: NDArray[np.float32], since: datetime) -> Sequence[RelatedTheme]:
        """Themes seen since ``since`` whose centre is near ``vector``, nearest first."""
        rows = await self._store.themes.similar(vector=vector, since=since)
        return [
            RelatedTheme(r.label, r.size, f"/inbox/themes/{r.id}", dict(r.sentiment)) for r in rows
        ]

    async def messages_of(self, theme_id: str) -> Sequence[int] | None:
        """Every message of the theme (all its weeks); None: no such theme."""
        if not theme_id.isdigit() or len(theme_id) > 18:
            return None
        found = int(theme_id)
        if not await self._store.themes.exists(theme_id=found):
            return None
        return await self._store.themes.message_ids(theme_id=found)
