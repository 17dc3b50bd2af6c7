"""What the digest shows of themes and focus areas: plain frozen data (JSON as it stands)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DigestTheme:
    """A theme of the week: new and rising ones first; ``link`` opens exactly its messages."""

    id: int
    label: str
    size: int
    trend: str
    sentiment: dict[str, int]
    quotes: list[str]
    message_ids: list[int]
    link: str


@dataclass(frozen=True)
class FocusLine:
    """A topic or theme with more negative messages (or low CSAT) than usual."""

    kind: str  # topic | theme
    name: str  # the topic's key, the theme's label
    theme_id: int | None
    measure: str  # negative | low_csat
    count: int
    total: int
    share: float
    average: float
    lift: float
    excess: float
    link: str


@dataclass(frozen=True)
class FocusAreas:
    """The span looked at (this term, or the last twelve weeks when no term holds today)."""

    span: str
    since: str
    until: str
    explained: str
    lines: list[FocusLine]
