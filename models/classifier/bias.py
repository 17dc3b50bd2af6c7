"""Prior correction: per-class logit offsets chosen on validation to favour macro-recall."""

from __future__ import annotations

import itertools

import numpy as np
from numpy.typing import NDArray

from models.classifier.metrics import scores

GRID = np.round(np.arange(-1.0, 1.0001, 0.05), 2)


def choose_bias(
    logits: NDArray[np.float32], gold: NDArray[np.int64], min_accuracy: float
) -> tuple[list[float], dict[str, float]]:
    """Offsets (neutral fixed at 0) maximising macro-recall with accuracy above a floor."""
    best: tuple[float, list[float], dict[str, float]] = (-1.0, [0.0, 0.0, 0.0], {})
    for neg, pos in itertools.product(GRID, GRID):
        bias = [float(neg), 0.0, float(pos)]
        figures = scores(np.argmax(logits + np.array(bias), axis=1), gold, 3)
        if figures["accuracy"] >= min_accuracy and figures["macro_recall"] > best[0]:
            best = (figures["macro_recall"], bias, figures)
    if not best[2]:
        return [0.0, 0.0, 0.0], scores(np.argmax(logits, axis=1), gold, 3)
    return best[1], best[2]
