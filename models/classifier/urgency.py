"""Urgency from the encoder: how close a message's embedding is to urgent exemplars.

The exemplars (config/feedbot.yaml, ``triage.urgent_examples``) are embedded once at load; a
message is urgent when its best cosine similarity to them reaches ``threshold`` and beats its
best similarity to the calm exemplars (``triage.calm_examples``: slow wifi, noise, thanks) by
``margin``. It costs one small matrix product on the embeddings the classifier computed anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from models.classifier.topic_head import normalise

FloatArray = NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class UrgencySpec:
    """The exemplars and the decision rule, as the library configured them."""

    urgent: tuple[str, ...]
    calm: tuple[str, ...] = ()
    threshold: float = 0.5
    margin: float = 0.06


class Urgency:
    """Marks embeddings urgent by similarity to the urgent exemplars (never, with none)."""

    def __init__(self, spec: UrgencySpec, embed: Callable[[Sequence[str]], FloatArray]) -> None:
        self._spec = spec
        self._urgent = _embedded(spec.urgent, embed)
        self._calm = _embedded(spec.calm, embed)

    def scores(self, embeddings: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Per row: best similarity to an urgent exemplar, and to a calm one (0 if none)."""
        unit = normalise(embeddings)
        return _best(unit, self._urgent), _best(unit, self._calm)

    def flags(self, embeddings: FloatArray) -> list[bool]:
        """Per row: is it urgent?"""
        if self._urgent.shape[0] == 0:
            return [False] * len(embeddings)
        urgent, calm = self.scores(embeddings)
        hit = (urgent >= self._spec.threshold) & (urgent - calm >= self._spec.margin)
        return [bool(h) for h in hit]


def _embedded(texts: Sequence[str], embed: Callable[[Sequence[str]], FloatArray]) -> FloatArray:
    """The texts' unit embeddings, one row each (an empty matrix for none)."""
    if not texts:
        return np.zeros((0, 1), dtype=np.float32)
    return normalise(np.asarray(embed(list(texts)), dtype=np.float32))


def _best(unit: FloatArray, exemplars: FloatArray) -> FloatArray:
    """The best cosine similarity of each row to the exemplars (0 with no exemplars)."""
    if exemplars.shape[0] == 0:
        return np.zeros(len(unit), dtype=np.float32)
    return np.asarray((unit @ exemplars.T).max(axis=1), dtype=np.float32)
