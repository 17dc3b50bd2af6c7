"""The labelled topic evaluation set (kept apart from the examples) and its figures."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from models.classification import Classification
from models.classifier.metrics import scores

EVAL_FILE = Path(__file__).parent / "eval" / "topics_eval.jsonl"


def load_eval(path: Path = EVAL_FILE) -> list[tuple[str, str]]:
    """(text, topic) pairs, one JSON object a line."""
    rows = [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    return [(str(r["text"]), str(r["topic"])) for r in rows]


def topic_scores(gold: Sequence[str], verdicts: Sequence[Classification]) -> dict[str, float]:
    """Accuracy and macro-F1 over every label in gold or predictions; share sent to other."""
    labels = sorted(set(gold) | {v.topic for v in verdicts})
    y = np.array([labels.index(g) for g in gold], dtype=np.int64)
    p = np.array([labels.index(v.topic) for v in verdicts], dtype=np.int64)
    figures = scores(p, y, len(labels))
    figures["other_rate"] = float(np.mean([v.topic == "other" for v in verdicts]))
    return figures
