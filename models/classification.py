"""The classifier seam: what a classification is and what any classifier offers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

SENTIMENTS: tuple[str, ...] = ("negative", "neutral", "positive")
OTHER_TOPIC = "other"


@dataclass(frozen=True, slots=True)
class Classification:
    """Sentiment and topic of one message, with the confidences and the model that said so."""

    sentiment: str
    sentiment_scores: Mapping[str, float]
    topic: str
    topic_confidence: float
    model_version: str
    urgent: bool = False


class Classifier(Protocol):
    """Anything that labels texts. Implementations must be safe to call from the event loop.

    ``classify`` returns one result per text, in order; it may batch and must not block the loop.
    """

    @property
    def version(self) -> str:
        """Identifies the model and weights, stored with every classification."""
        ...

    async def classify(self, texts: Sequence[str]) -> list[Classification]:
        """Label each text."""
        ...
