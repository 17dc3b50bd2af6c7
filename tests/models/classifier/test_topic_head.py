"""Topic head and taxonomy: calibration, the other fallback, file checks; length-grouped runs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from models.classification import OTHER_TOPIC
from models.classifier.backend import length_groups, run_grouped, tokenizer
from models.classifier.encoder import encoder_path
from models.classifier.onnx_export import drop_old_layout
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


def test_length_groups_bound_the_padding() -> None:
    lengths = [5, 40, 6, 41, 7, 120, 5]
    groups = length_groups(lengths, waste=1.3)
    assert sorted(i for g in groups for i in g) == list(range(len(lengths)))
    for group in groups:
        longest, real = max(lengths[i] for i in group), sum(lengths[i] for i in group)
        assert len(group) * longest <= 1.3 * real
    assert len(groups) == 3  # the short ones, the forties, the long one


def test_grouped_runs_keep_the_callers_order() -> None:
    tok = tokenizer(encoder_path())
    texts = ["hi", "a much longer message about the printers on level two " * 3, "ok then"]
    seen: list[int] = []

    def call(ids: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        seen.append(ids.shape[1])
        lengths = mask.sum(axis=1).astype(np.float32)[:, None]
        return lengths, -lengths

    features, logits = run_grouped(tok, texts, call)
    lengths = [len(tok.encode(t).ids) for t in texts]
    assert features[:, 0].tolist() == lengths
    assert logits[:, 0].tolist() == [-n for n in lengths]
    assert len(seen) == 2 and max(seen) == max(lengths)


def test_a_rebuilt_cache_drops_the_models_of_older_layouts(tmp_path: Path) -> None:
    (tmp_path / "sentiment-53aa5117-e899d5b8-int8.onnx").write_bytes(b"old")
    (tmp_path / "classifier-53aa5117-e899d5b8-dual1-int8.onnx").write_bytes(b"two stacks")
    (tmp_path / "classifier-53aa5117-e899d5b8-dual2-int8.onnx").write_bytes(b"two stacks")
    (tmp_path / "classifier-53aa5117-e899d5b8-shared-int8.onnx").write_bytes(b"fused norms")
    keep = tmp_path / "classifier-53aa5117-e899d5b8-shared2-int8.onnx"
    keep.write_bytes(b"new")
    drop_old_layout(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == [keep.name]
