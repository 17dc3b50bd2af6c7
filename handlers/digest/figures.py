"""The digest's judgements on aggregate counts: change, rising, quiet, shares. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from models.classification import OTHER_TOPIC
from models.store.people.names import label

SENTIMENTS = ("negative", "neutral", "positive")
NOT_TOPICS = frozenset({OTHER_TOPIC, "unsure", "unclassified"})


def change(now: float, before: float) -> float | None:
    """Percentage change from ``before`` to ``now``; None when there was nothing before."""
    return round(100.0 * (now - before) / before, 1) if before else None


def mean(values: Sequence[float]) -> float:
    """The average, 0 for no values."""
    return round(sum(values) / len(values), 2) if values else 0.0


def rising(count: int, history: Sequence[int], *, factor: float = 2.0, floor: int = 3) -> bool:
    """Far above the usual weekly rate: at least ``floor`` and ``factor`` times the mean."""
    return count >= floor and count >= factor * mean(history)


def quiet(count: int, average: float) -> bool:
    """Quiet: a group that usually writes (2+ a week) wrote half as much or less."""
    return average >= 2 and count <= average / 2


def shares(counts: dict[str, int]) -> dict[str, float]:
    """Each sentiment's percentage of the classified messages."""
    total = sum(counts.get(s, 0) for s in SENTIMENTS)
    return {s: round(100.0 * counts.get(s, 0) / total, 1) if total else 0.0 for s in SENTIMENTS}


def net(counts: dict[str, int]) -> float | None:
    """Net sentiment: % positive minus % negative, -100 to 100; None without labels."""
    total = sum(counts.get(s, 0) for s in SENTIMENTS)
    if not total:
        return None
    return round(100.0 * (counts.get("positive", 0) - counts.get("negative", 0)) / total, 1)


def link(path: str, **params: object) -> str:
    """A link to the inbox or a page with query parameters (empty ones left out)."""
    query = urlencode({k: v for k, v in params.items() if v not in ("", None)})
    return f"{path}?{query}" if query else path


def pseudonymous_name(pseudonym: str) -> str:
    """A writer's one short name (the queue's, models/store/people/names.py): says nothing
    about who they are."""
    return label(pseudonym)
