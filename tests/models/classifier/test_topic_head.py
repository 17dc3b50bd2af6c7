"""Topic head and taxonomy: calibration, the other fallback, file checks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from models.classification import OTHER_TOPIC
from models.classifier.topic_head import TopicHead, fit_temperature
from models.classifier.topics_config import load_taxonomy


def test_below_threshold_the_topic_is_other() -> None:
    head = TopicHead(("a", "b"), np.eye(2, dtype=np.float32), np.zeros(2, np.float32), 1.0, 0.6, {})
    confident, unsure = head.predict(np.array([[10.0, 0.0], [1.0, 1.0]], dtype=np.float32))
    assert confident[0] == "a" and confident[1] > 0.6
    assert unsure[0] == OTHER_TOPIC
    assert unsure[1] == pytest.approx(0.5, abs=1e-4)


def test_temperature_softens_overconfident_logits() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 300)
    z = rng.normal(size=(300, 3)).astype(np.float32) * 10
    z[np.arange(300), y] += 5.0
    assert fit_temperature(z, y) > 1.0


def test_taxonomy_rejects_a_topic_named_other(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("topics:\n  a: {examples: [x, y]}\n  other: {examples: [x, y]}\n")
    with pytest.raises(ValueError, match="reserved"):
        load_taxonomy(path)


def test_shipped_taxonomy_is_rich_enough() -> None:
    taxonomy = load_taxonomy(Path(__file__).resolve().parents[3] / "config" / "topics.yaml")
    assert len(taxonomy.topics) >= 12
    assert all(len(t.examples) >= 8 and t.description for t in taxonomy.topics)
