"""The classifier seam: what a classification is and what any classifier offers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

SENTIMENTS: tuple[str, ...] = ("negative", "neutral", "positive")
OTHER_TOPIC = "other"
UNSURE = "unsure"
"""Sentiment and topic of a text the model cannot read well (not in a language it knows)."""
READABLE_LANGUAGES = frozenset({"en"})
"""The languages the classifier's encoder was trained on: anything else is labelled unsure."""


@dataclass(frozen=True, slots=True)
class Classification:
    """Sentiment and topic of one message, with the confidences and the model that said so."""

    sentiment: str
    sentiment_scores: Mapping[str, float]
    topic: str
    topic_confidence: float
    model_version: str
    urgent: bool = False
    embedding: NDArray[np.float32] | None = field(default=None, compare=False, repr=False)
    """The text's unit-length sentence embedding from the untouched encoder (what themes and
    "what we already know" compare); None where the text was not read (unsure)."""


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


class Embedder(Protocol):
    """Anything that turns texts into unit-length sentence embeddings (one row per text)."""

    async def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Embed each text; rows are L2-normalised, so a dot product is the cosine."""
        ...


def unsure(model_version: str) -> Classification:
    """The honest label for a text the model cannot read: unsure, with no confidence."""
    return Classification(UNSURE, {}, UNSURE, 0.0, model_version)


async def label_readable(
    classifier: Classifier,
    texts: Sequence[str],
    languages: Sequence[str],
    readable: frozenset[str] = READABLE_LANGUAGES,
) -> list[Classification]:
    """The model's labels for the texts in a language it reads; ``unsure`` for the others."""
    read = [t for t, lang in zip(texts, languages, strict=True) if lang in readable]
    labelled = iter(await classifier.classify(read) if read else [])
    honest = unsure(classifier.version)
    return [next(labelled) if lang in readable else honest for lang in languages]
