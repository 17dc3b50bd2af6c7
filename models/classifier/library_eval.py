"""The library evaluation set (dev and held-out) and the figures the benchmark prints from it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from models.classification import OTHER_TOPIC, SENTIMENTS, Classification
from models.classifier.metrics import per_class, scores

EVAL_DIR = Path(__file__).parent / "eval"
DEV_FILE = EVAL_DIR / "library_dev.jsonl"
HELDOUT_FILE = EVAL_DIR / "library_heldout.jsonl"


@dataclass(frozen=True, slots=True)
class LibraryMessage:
    """One hand-labelled message: what it is about, how it feels, what it needs."""

    text: str
    topic: str
    sentiment: str
    urgent: bool
    needs_reply: bool
    language: str
    channel: str
    voice: str


def load_library(path: Path) -> list[LibraryMessage]:
    """Every message in a JSON-lines file; ValueError names the first bad line."""
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                out.append(_message(json.loads(line)))
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path.name} line {number}: {exc}") from None
    return out


def _message(row: dict[str, object]) -> LibraryMessage:
    """One row, checked: a known sentiment, booleans where booleans belong."""
    sentiment = str(row["sentiment"])
    if sentiment not in SENTIMENTS:
        raise ValueError(f"unknown sentiment {sentiment!r}")
    if not isinstance(row["urgent"], bool) or not isinstance(row["needs_reply"], bool):
        raise ValueError("urgent and needs_reply must be true or false")
    return LibraryMessage(
        str(row["text"]),
        str(row["topic"]),
        sentiment,
        row["urgent"],
        row["needs_reply"],
        str(row["language"]),
        str(row.get("channel", "")),
        str(row.get("voice", "")),
    )


def label_figures(
    gold: Sequence[LibraryMessage], verdicts: Sequence[Classification]
) -> dict[str, float]:
    """Topic macro-F1 and accuracy, sentiment macro-recall and neutral recall, share to other."""
    if len(gold) != len(verdicts) or not gold:
        raise ValueError("need one verdict per message, and at least one message")
    topics = sorted({g.topic for g in gold} | {v.topic for v in verdicts})
    topic = scores(
        np.array([topics.index(v.topic) for v in verdicts]),
        np.array([topics.index(g.topic) for g in gold]),
        len(topics),
    )
    s_pred = np.array([_sentiment_index(v.sentiment) for v in verdicts])
    s_gold = np.array([SENTIMENTS.index(g.sentiment) for g in gold])
    recall, _ = per_class(s_pred, s_gold, len(SENTIMENTS) + 1)
    present = [c for c in range(len(SENTIMENTS)) if np.any(s_gold == c)]
    return {
        "topic_macro_f1": topic["macro_f1"],
        "topic_accuracy": topic["accuracy"],
        "sentiment_macro_recall": float(np.mean(recall[present])),
        "neutral_recall": float(recall[SENTIMENTS.index("neutral")]),
        "sentiment_accuracy": float(np.mean(s_pred == s_gold)),
        "other_rate": float(np.mean([v.topic == OTHER_TOPIC for v in verdicts])),
    }


def _sentiment_index(label: str) -> int:
    """Index of a sentiment; anything else (such as unsure) counts as a miss for every class."""
    return SENTIMENTS.index(label) if label in SENTIMENTS else len(SENTIMENTS)


def urgent_figures(gold: Sequence[LibraryMessage], flagged: Sequence[bool]) -> dict[str, float]:
    """Recall on the urgent messages and the false-alarm rate on the rest (NaN when none)."""
    if len(gold) != len(flagged):
        raise ValueError("need one flag per message")
    truth = np.array([g.urgent for g in gold], dtype=bool)
    said = np.array(flagged, dtype=bool)
    return {
        "urgent_recall": _mean(said[truth]),
        "false_alarm_rate": _mean(said[~truth]),
        "urgent_n": float(truth.sum()),
    }


def _mean(values: np.ndarray) -> float:
    """Mean of a boolean array, NaN when it is empty."""
    return float(values.mean()) if values.size else float("nan")
