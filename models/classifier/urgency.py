"""Urgency from the encoder: the trained urgency head, or closeness to urgent exemplars.

A message is urgent when the shipped urgency head (urgency_head.py: logistic regression on the
sentence embedding) gives it a probability at or above its threshold, or when it is close to
the library's exemplars: the exemplars (config/feedbot.yaml, ``triage.urgent_examples``) are
embedded once at load, and a message counts when its best cosine similarity to them reaches
``threshold`` and beats its best similarity to the calm exemplars (``triage.calm_examples``:
slow wifi, noise, thanks) by ``margin``. Both cost a small matrix product on the embeddings the
classifier computed anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from models.classifier.topic_head import normalise
from models.classifier.urgency_head import UrgencyHead

FloatArray = NDArray[np.float32]
SINGLE_THREAD_MNK = 65536 * 4
"""OpenBLAS runs a matrix product on several threads above this many multiply-adds; on the
bot's two cores those threads fight ONNX Runtime's (measured: 32 rows took 8 ms instead of
0.2 ms on a busy machine), so products are kept below it."""


@dataclass(frozen=True, slots=True)
class UrgencySpec:
    """The exemplars and the decision rule, as the library configured them."""

    urgent: tuple[str, ...]
    calm: tuple[str, ...] = ()
    threshold: float = 0.5
    margin: float = 0.06


class Urgency:
    """Marks embeddings urgent by the head or by similarity to the urgent exemplars (never,
    with neither)."""

    def __init__(
        self,
        spec: UrgencySpec,
        embed: Callable[[Sequence[str]], FloatArray],
        head: UrgencyHead | None = None,
    ) -> None:
        self._spec = spec
        self._head = head
        self._urgent = len(spec.urgent)
        texts = [*spec.urgent, *spec.calm]
        # unit rows, transposed: one product gives every similarity (urgent columns first)
        # one at a time: an exemplar's embedding does not depend on the others (int8 ONNX
        # quantises each batch's activations together)
        rows = [np.asarray(embed([t]), np.float32)[0] for t in texts]
        unit = normalise(np.stack(rows)) if rows else None
        self._exemplars = None if unit is None else np.ascontiguousarray(unit.T)

    def scores(self, embeddings: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Per row: best similarity to an urgent exemplar, and to a calm one (0 if none)."""
        rows = len(embeddings)
        if self._exemplars is None:
            return np.zeros(rows, np.float32), np.zeros(rows, np.float32)
        sims = _similarities(normalise(embeddings), self._exemplars)
        urgent, calm = sims[:, : self._urgent], sims[:, self._urgent :]
        none = np.zeros(rows, np.float32)
        return (
            urgent.max(axis=1) if urgent.shape[1] else none,
            calm.max(axis=1) if calm.shape[1] else none,
        )

    def flags(self, embeddings: FloatArray) -> list[bool]:
        """Per row: is it urgent (by the head, or by the exemplars)?"""
        near = self.exemplar_flags(embeddings)
        if self._head is None:
            return near
        return [a or b for a, b in zip(near, self._head.flags(embeddings), strict=True)]

    def exemplar_flags(self, embeddings: FloatArray) -> list[bool]:
        """Per row: close enough to an urgent exemplar and clearly closer than to a calm one?"""
        if not self._urgent:
            return [False] * len(embeddings)
        urgent, calm = self.scores(embeddings)
        hit = (urgent >= self._spec.threshold) & (urgent - calm >= self._spec.margin)
        return hit.tolist()  # type: ignore[no-any-return]


def _similarities(unit: FloatArray, exemplars_t: FloatArray) -> FloatArray:
    """``unit @ exemplars_t``, a few rows at a time so that each product stays on one thread."""
    dim, n = exemplars_t.shape
    step = max(1, SINGLE_THREAD_MNK // max(dim * n, 1))
    parts = [unit[i : i + step] @ exemplars_t for i in range(0, len(unit), step)]
    return np.concatenate(parts) if parts else np.zeros((0, n), np.float32)
