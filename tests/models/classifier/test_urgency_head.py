"""The urgency head: scoring, its file (the shipped one, a round trip, broken ones), fitting on
made-up embeddings, and the shipped head on real embeddings of the issue's examples."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from models.classifier import WEIGHTS_DIR, ClassifierUnavailable, LocalClassifier
from models.classifier.train_urgency import (
    TRAIN_FILE,
    fit_urgency_head,
    read_training,
    threshold_for,
)
from models.classifier.urgency_head import (
    HEAD_FILE,
    UrgencyHead,
    load_urgency_head,
    save_urgency_head,
)

SHIPPED = WEIGHTS_DIR / HEAD_FILE


def two_axes_head(threshold: float = 0.5) -> UrgencyHead:
    """Urgent along the first axis, calm along the second."""
    return UrgencyHead(np.array([6.0, -6.0], np.float32), 0.0, threshold, "enc@1", {"c": 1.0})


def test_probability_follows_the_weights_on_unit_rows() -> None:
    rows = np.array([[10.0, 0.0], [0.0, 0.3], [1.0, 1.0]], np.float32)
    p = two_axes_head().probabilities(rows)
    assert p[0] == pytest.approx(1 / (1 + np.exp(-6.0)), rel=1e-5)  # scale does not matter
    assert p[1] < 0.01 and p[2] == pytest.approx(0.5)
    assert two_axes_head(0.5).flags(rows) == [True, False, True]
    assert two_axes_head(0.6).flags(rows) == [True, False, False]
    assert two_axes_head().flags(np.zeros((0, 2), np.float32)) == []


def test_a_saved_head_loads_back_the_same(tmp_path: Path) -> None:
    save_urgency_head(two_axes_head(0.7), tmp_path / HEAD_FILE)
    head = load_urgency_head(tmp_path / HEAD_FILE, "enc@1")
    assert head.threshold == 0.7 and head.encoder == "enc@1" and head.meta == {"c": 1.0}
    assert np.array_equal(head.weight, np.array([6.0, -6.0], np.float32))


def test_the_shipped_head_loads_and_scores_the_encoders_embeddings() -> None:
    head = load_urgency_head(SHIPPED)
    assert head.encoder.startswith("all-MiniLM-L6-v2@") and head.weight.shape == (384,)
    assert 0.5 <= head.threshold < 1.0 and head.meta["c"] > 0
    rows = np.random.default_rng(0).normal(size=(4, 384)).astype(np.float32)
    p = head.probabilities(rows)
    assert p.shape == (4,) and ((p > 0) & (p < 1)).all()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{not json", "unreadable"),
        ('{"coef": [1.0], "intercept": 0.0, "encoder": "e"}', "threshold"),
        ('{"coef": [], "intercept": 0.0, "threshold": 0.5, "encoder": "e"}', "coef"),
        ('{"coef": [1.0], "intercept": 0.0, "threshold": 1.5, "encoder": "e"}', "threshold"),
        ("[1, 2]", "not a JSON object"),
    ],
)
def test_a_broken_file_is_a_clear_error(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / HEAD_FILE
    path.write_text(content)
    with pytest.raises(ClassifierUnavailable) as caught:
        load_urgency_head(path)
    message = str(caught.value)
    assert str(path) in message and problem in message
    assert "python -m bot train urgency" in message


def test_a_missing_file_or_another_encoder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ClassifierUnavailable, match="urgency head missing"):
        load_urgency_head(tmp_path / HEAD_FILE)
    save_urgency_head(two_axes_head(), tmp_path / HEAD_FILE)
    with pytest.raises(ClassifierUnavailable, match="trained on enc@1, not enc@2"):
        load_urgency_head(tmp_path / HEAD_FILE, "enc@2")


def test_fitting_picks_a_c_and_a_threshold_that_keeps_false_alarms_rare() -> None:
    rng = np.random.default_rng(1)
    urgent = rng.normal(size=(40, 8)) + np.eye(8)[0] * 2.0
    calm = rng.normal(size=(80, 8)) - np.eye(8)[0] * 2.0
    x = np.vstack([urgent, calm]).astype(np.float32)
    y = np.array([True] * 40 + [False] * 80)
    head, grid = fit_urgency_head(x, y, "enc@1", max_false_alarms=0.05)
    best = next(g for g in grid if g.c == head.meta["c"])
    assert best.false_alarms <= 0.05 and best.recall == max(g.recall for g in grid)
    assert head.threshold == best.threshold and head.encoder == "enc@1"
    said = np.array(head.flags(x))
    assert said[:40].mean() >= 0.8 and said[40:].mean() <= 0.05


def test_fitting_needs_a_few_examples_of_each_kind() -> None:
    x = np.ones((8, 2), np.float32)
    with pytest.raises(ValueError, match="at least 5 urgent"):
        fit_urgency_head(x, np.array([True] * 3 + [False] * 5), "enc@1")


def test_the_threshold_lets_at_most_the_allowed_share_of_calm_scores_through() -> None:
    calm = np.array([0.1, 0.55, 0.6, 0.7, 0.8, 0.9, 0.2, 0.3, 0.4, 0.95])
    assert (calm >= threshold_for(calm, 0.2)).sum() == 2  # 0.9 and 0.95
    assert threshold_for(calm, 0.0) > 0.95
    assert threshold_for(np.array([0.01, 0.02]), 0.5) == 0.5  # never below a half


def test_the_training_file_is_well_formed_and_a_bad_line_is_named(tmp_path: Path) -> None:
    shipped = read_training(TRAIN_FILE)
    assert sum(u for _, u in shipped) >= 200 and sum(not u for _, u in shipped) >= 400
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine", "urgent": false}\n{"text": "x", "urgent": "yes"}\n')
    with pytest.raises(ValueError, match=r"bad\.jsonl:2"):
        read_training(bad)


def test_the_issues_examples_are_urgent_by_the_head_alone(classifier: LocalClassifier) -> None:
    texts = [
        "a guy keeps taking photos of me in the quiet room",
        "someone has collapsed on level 2",
        "water is pouring through the ceiling onto the PCs",
        "the fire alarm test at nine was deafening",
        "the wifi is slow",
        "can I borrow a laptop? it's an emergency, mine died",
    ]
    flags = load_urgency_head(SHIPPED).flags(classifier.embed_now(texts))
    assert flags == [True] * 3 + [False] * 3


def test_the_shipped_head_file_is_small() -> None:
    info = json.loads(SHIPPED.read_text())
    assert SHIPPED.stat().st_size < 20_000 and len(info["coef"]) == 384
