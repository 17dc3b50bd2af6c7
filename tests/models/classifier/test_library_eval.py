"""The library evaluation set: its files load, its parts stay apart, its figures are right."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from models.classification import Classification
from models.classifier.library_eval import (
    DEV_FILE,
    HELDOUT_FILE,
    LibraryMessage,
    label_figures,
    load_library,
    urgent_figures,
)

from .conftest import TOPICS


def message(topic: str, sentiment: str, urgent: bool = False) -> LibraryMessage:
    return LibraryMessage("text", topic, sentiment, urgent, True, "en", "widget", "student")


def verdict(topic: str, sentiment: str) -> Classification:
    return Classification(sentiment, {}, topic, 0.9, "test")


def test_the_shipped_parts_load_and_keep_apart() -> None:
    dev, held_out = load_library(DEV_FILE), load_library(HELDOUT_FILE)
    assert len(dev) + len(held_out) >= 300
    assert len(held_out) >= 0.4 * (len(dev) + len(held_out))
    assert not {m.text for m in dev} & {m.text for m in held_out}
    topics = set(yaml.safe_load(TOPICS.read_text())["topics"]) | {"other"}
    assert {m.topic for m in dev + held_out} == topics
    assert sum(m.urgent for m in held_out) >= 5
    assert {m.language for m in dev + held_out} >= {"en", "cy", "es"}


def test_no_message_is_a_training_example() -> None:
    data = yaml.safe_load(TOPICS.read_text())
    examples = {e.lower() for t in data["topics"].values() for e in t["examples"]}
    examples |= {e.lower() for e in data["other_examples"]}
    texts = {m.text.lower() for m in load_library(DEV_FILE) + load_library(HELDOUT_FILE)}
    assert not texts & examples


def test_a_bad_line_is_named(tmp_path: Path) -> None:
    good = {"text": "hi", "topic": "other", "sentiment": "neutral", "urgent": False}
    path = tmp_path / "set.jsonl"
    rows = [{**good, "needs_reply": False, "language": "en"}, {**good, "sentiment": "meh"}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    with pytest.raises(ValueError, match="line 2"):
        load_library(path)


def test_label_figures() -> None:
    gold = [
        message("noise", "negative"),
        message("noise", "neutral"),
        message("cafe_and_food", "positive"),
        message("cafe_and_food", "neutral"),
    ]
    said = [
        verdict("noise", "negative"),
        verdict("cafe_and_food", "neutral"),
        verdict("cafe_and_food", "positive"),
        verdict("other", "unsure"),
    ]
    figures = label_figures(gold, said)
    assert figures["topic_accuracy"] == pytest.approx(0.5)
    # noise: P 1, R 0.5 -> F1 2/3; cafe: P 0.5, R 0.5 -> 0.5; other: 0 (predicted, never gold)
    assert figures["topic_macro_f1"] == pytest.approx((2 / 3 + 0.5 + 0) / 3)
    # unsure counts as a miss: negative 1, neutral 1/2, positive 1
    assert figures["sentiment_macro_recall"] == pytest.approx((1 + 0.5 + 1) / 3)
    assert figures["neutral_recall"] == pytest.approx(0.5)
    assert figures["other_rate"] == pytest.approx(0.25)


def test_urgent_figures() -> None:
    gold = [message("x", "negative", urgent=u) for u in (True, True, False, False, False, False)]
    figures = urgent_figures(gold, [True, False, True, False, False, False])
    assert figures["urgent_recall"] == pytest.approx(0.5)
    assert figures["false_alarm_rate"] == pytest.approx(0.25)
    assert figures["urgent_n"] == 2
