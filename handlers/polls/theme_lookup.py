"""The seam to themes for the poll page's panel: themes whose centre lies near a question.

``handlers/themes/lookups.py`` answers it from ``store.themes``; ``NoThemes`` knows none."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True, slots=True)
class RelatedTheme:
    """A theme near the question: its label, size, sentiment counts and a link to its
    messages."""

    label: str
    size: int
    link: str = ""
    sentiments: Mapping[str, int] = field(default_factory=dict)


class ThemeLookup(Protocol):
    """Themes near a unit-length vector, among those seen since a time, nearest first."""

    async def similar(self, vector: NDArray[np.float32], since: datetime) -> Sequence[RelatedTheme]:
        """Themes near ``vector`` seen since ``since``."""
        ...


class NoThemes:
    """No themes known (before the themes store is plugged in)."""

    async def similar(self, vector: NDArray[np.float32], since: datetime) -> Sequence[RelatedTheme]:
        """Nothing."""
        return ()
