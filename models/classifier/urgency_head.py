"""The urgency head: logistic regression on the untouched encoder's sentence embeddings.

Trained offline (``python -m bot train urgency``, see train_urgency.py) on
models/classifier/train/urgency_train.jsonl and shipped as a small JSON file
(weights/urgency_head.json): one weight per embedding dimension, a bias, the probability
threshold and the encoder it was trained on. Scoring is one dot product per message on the
embeddings the classifier computes anyway.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from models.classifier.encoder import ClassifierUnavailable
from models.classifier.topic_head import normalise

FloatArray = NDArray[np.float32]
HEAD_FILE = "urgency_head.json"
RETRAIN = "run: python -m bot train urgency"


@dataclass(frozen=True, slots=True)
class UrgencyHead:
    """Weights on unit-length embeddings, a bias and the probability that counts as urgent."""

    weight: FloatArray
    bias: float
    threshold: float
    encoder: str
    meta: dict[str, Any] = field(default_factory=dict)

    def probabilities(self, embeddings: FloatArray) -> FloatArray:
        """P(urgent) per row."""
        if not len(embeddings):
            return np.zeros(0, np.float32)
        z = normalise(np.asarray(embeddings, np.float32)) @ self.weight + self.bias
        p: FloatArray = (1.0 / (1.0 + np.exp(-z))).astype(np.float32)
        return p

    def flags(self, embeddings: FloatArray) -> list[bool]:
        """Per row: is the probability at least the threshold?"""
        return (self.probabilities(embeddings) >= self.threshold).tolist()  # type: ignore[no-any-return]


def save_urgency_head(head: UrgencyHead, path: Path) -> None:
    """Write the head as one JSON file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    info = {
        "encoder": head.encoder,
        "threshold": round(head.threshold, 6),
        "intercept": float(head.bias),
        "coef": [round(float(w), 7) for w in head.weight],
        "meta": head.meta,
    }
    path.write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")


def load_urgency_head(path: Path, encoder: str | None = None) -> UrgencyHead:
    """The saved head; ClassifierUnavailable naming the file and the problem when it is missing,
    unreadable, malformed, or trained on another encoder than ``encoder`` (when given)."""
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        head = _from_json(info)
    except FileNotFoundError:
        raise ClassifierUnavailable(f"urgency head missing: {path} ({RETRAIN})") from None
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise ClassifierUnavailable(
            f"urgency head {path} is unreadable: {exc} ({RETRAIN})"
        ) from None
    if encoder is not None and head.encoder != encoder:
        raise ClassifierUnavailable(
            f"urgency head {path} was trained on {head.encoder}, not {encoder} ({RETRAIN})"
        )
    return head


def _from_json(info: Any) -> UrgencyHead:
    """The head from its parsed JSON, or ValueError/KeyError/TypeError saying what is wrong."""
    if not isinstance(info, dict):
        raise ValueError("not a JSON object")
    weight = np.asarray(info["coef"], dtype=np.float32)
    threshold = float(info["threshold"])
    if weight.ndim != 1 or not len(weight) or not np.isfinite(weight).all():
        raise ValueError("coef must be a non-empty list of numbers")
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold {threshold} is not between 0 and 1")
    meta = info.get("meta", {})
    return UrgencyHead(weight, float(info["intercept"]), threshold, str(info["encoder"]), meta)
