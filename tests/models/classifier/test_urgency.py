"""Urgency from the encoder: the rule on made-up embeddings, then the real model on messages
that are not among its exemplars (the dev half of models/classifier/eval/urgency.jsonl)."""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
import pytest

from models.classifier import LocalClassifier
from models.classifier.urgency import Urgency, UrgencySpec

from .conftest import ROOT

EVAL = ROOT / "models" / "classifier" / "eval" / "urgency.jsonl"
AXES = {"fire": [1.0, 0.0, 0.0], "wifi": [0.0, 1.0, 0.0], "thanks": [0.0, 0.0, 1.0]}


def embed(texts: Sequence[str]) -> np.ndarray:
    """Each exemplar along its own axis."""
    return np.array([AXES[t] for t in texts], dtype=np.float32)


def test_close_to_an_urgent_exemplar_and_clearly_closer_than_to_a_calm_one() -> None:
    urgency = Urgency(UrgencySpec(("fire",), ("wifi", "thanks"), 0.5, 0.1), embed)
    rows = np.array([[3, 0.2, 0], [1, 1, 0], [0.3, 0, 1], [0.6, 0.55, 0]], dtype=np.float32)
    assert urgency.flags(rows) == [True, False, False, False]  # the last: margin too small


def test_no_exemplars_means_never_urgent() -> None:
    rows = np.ones((2, 3), dtype=np.float32)
    assert Urgency(UrgencySpec(()), embed).flags(rows) == [False, False]


def test_the_issues_examples_are_urgent(classifier: LocalClassifier) -> None:
    texts = [
        "someone has collapsed on level 2",
        "water is pouring through the ceiling onto the PCs",
        "a guy keeps taking photos of me in the quiet room",
        "the wifi is slow",
        "it's so noisy",
        "thanks!",
    ]
    assert [c.urgent for c in classifier.classify_now(texts)] == [True] * 3 + [False] * 3


def test_messages_it_was_not_given_are_mostly_caught_and_rarely_false_alarms(
    classifier: LocalClassifier,
) -> None:
    rows = [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines()]
    dev = [r for r in rows if r["split"] == "dev"]
    said = [c.urgent for c in classifier.classify_now([r["text"] for r in dev])]
    urgent = [s for s, r in zip(said, dev, strict=True) if r["urgent"]]
    calm = [s for s, r in zip(said, dev, strict=True) if not r["urgent"]]
    assert len(urgent) >= 20 and len(calm) >= 20
    # Measured with torch (these tests): 46/51 caught, 4/53 false alarms, since dev gained 60
    # harder messages (2026-12-08; before, 0.95 and 0.00 on the first 44). The word list and
    # its not-urgent phrases do the rest in triage (tests/inbox/test_triage.py).
    assert sum(urgent) / len(urgent) >= 0.85
    assert sum(calm) / len(calm) <= 0.1


@pytest.mark.parametrize("text", ["", "   ", "👍"])
def test_empty_or_emoji_text_is_not_urgent(classifier: LocalClassifier, text: str) -> None:
    [verdict] = classifier.classify_now([text])
    assert not verdict.urgent
