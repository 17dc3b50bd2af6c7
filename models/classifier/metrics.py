"""Classification figures: accuracy, macro-recall, macro-F1."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def per_class(
    pred: NDArray[np.int64], gold: NDArray[np.int64], n: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Recall and precision of each class (0 where undefined)."""
    hits = np.array([np.sum((pred == c) & (gold == c)) for c in range(n)], dtype=np.float64)
    gold_n = np.array([np.sum(gold == c) for c in range(n)], dtype=np.float64)
    pred_n = np.array([np.sum(pred == c) for c in range(n)], dtype=np.float64)
    return _ratio(hits, gold_n), _ratio(hits, pred_n)


def scores(pred: NDArray[np.int64], gold: NDArray[np.int64], n: int) -> dict[str, float]:
    """Accuracy, macro-recall and macro-F1 over classes that occur in gold or predictions."""
    recall, precision = per_class(pred, gold, n)
    present = np.array([np.any(gold == c) or np.any(pred == c) for c in range(n)])
    f1 = _ratio(2 * recall * precision, recall + precision)
    return {
        "accuracy": float(np.mean(pred == gold)),
        "macro_recall": float(np.mean(recall[present])),
        "macro_f1": float(np.mean(f1[present])),
    }


def _ratio(num: NDArray[np.float64], den: NDArray[np.float64]) -> NDArray[np.float64]:
    """Element-wise num / den with 0 where den is 0."""
    return np.divide(num, den, out=np.zeros_like(num), where=den > 0)
