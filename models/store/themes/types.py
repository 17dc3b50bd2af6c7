"""What the themes store takes and gives back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

Vector = NDArray[np.float32]


@dataclass(frozen=True)
class Cluster:
    """One theme found in a week, to store: ``theme_id`` is the theme it continues (None: a
    new theme), ``message_ids`` exactly its messages."""

    theme_id: int | None
    centroid: Vector
    label: str
    trend: str
    sentiment: dict[str, int]
    quotes: list[int]
    message_ids: list[int]


@dataclass(frozen=True)
class Known:
    """A theme a new week's cluster may continue: its id, centroid and its sizes by week."""

    id: int
    centroid: Vector
    sizes: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Run:
    """A week's themes as last computed."""

    week: str
    computed_at: datetime
    until: datetime
    messages: int
    complete: bool


@dataclass(frozen=True)
class ThemeLine:
    """A theme in one week, as pages, the CLI and the digest show it."""

    id: int
    week: str
    label: str
    size: int
    trend: str
    sentiment: dict[str, int]
    quotes: list[int]
    first_week: str
    status: str
    topic: str


@dataclass(frozen=True)
class Similar:
    """A theme near a vector: its size and sentiment since a time, and the cosine similarity
    of its centroid."""

    id: int
    label: str
    size: int
    sentiment: dict[str, int]
    similarity: float
    status: str
    topic: str
