"""Training the sentiment adapter: the objective with and without a teacher, warm starts of
either layout, and a short distilled run on a tiny split written here (not TweetEval)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from models.classifier.distil import Objective
from models.classifier.encoder import encoder_path, load_encoder
from models.classifier.sentiment_net import (
    adapted_net,
    adapter_state,
    save_adapter,
    trainable_net,
)
from models.classifier.train_sentiment import TrainConfig, train_sentiment, warm_start

WEIGHTS = torch.ones(3)
LABELS = torch.tensor([0, 1, 2, 1])
PICK = np.arange(4)


def test_without_a_teacher_the_objective_is_the_cross_entropy() -> None:
    logits = torch.randn(4, 3)
    gold = torch.nn.functional.cross_entropy(logits, LABELS)
    assert torch.allclose(Objective(WEIGHTS)(logits, LABELS, PICK), gold)


def test_with_a_teacher_agreeing_with_it_costs_less_than_disagreeing() -> None:
    teacher = np.array([[3, 0, 0], [0, 3, 0], [0, 0, 3], [0, 3, 0]], dtype=np.float32)
    objective = Objective(WEIGHTS, teacher)
    agreeing = torch.from_numpy(teacher).clone()
    disagreeing = agreeing.roll(1, dims=1)
    assert objective(agreeing, LABELS, PICK) < objective(disagreeing, LABELS, PICK)
    # the teacher's share: the gold labels alone cannot tell these two apart
    uncertain = torch.zeros(4, 3)
    assert objective(uncertain, LABELS, PICK) > Objective(WEIGHTS)(uncertain, LABELS, PICK) / 2


def _adapter(tmp_path: Path, shared: int) -> Path:
    net = trainable_net(load_encoder(encoder_path()), shared, 4, 8.0)
    meta = {"shared_blocks": shared, "rank": 4, "alpha": 8.0, "logit_bias": [0.0, 0.0, 0.0]}
    save_adapter(adapter_state(net), meta, tmp_path / f"shared{shared}")
    return tmp_path / f"shared{shared}"


def test_a_warm_start_takes_an_adapter_of_its_layout_and_refuses_another(tmp_path: Path) -> None:
    net = trainable_net(load_encoder(encoder_path()), 4, 4, 8.0)
    warm_start(net, _adapter(tmp_path, 4), 4)
    with pytest.raises(ValueError, match="shares 5 blocks, this run 4"):
        warm_start(net, _adapter(tmp_path, 5), 4)


def _split(root: Path, name: str, n: int) -> None:
    texts = ["I love the new quiet room", "the printer ate my card again", "open till 8 today"]
    (root / f"{name}_text.txt").write_text("\n".join(texts[i % 3] for i in range(n)) + "\n")
    (root / f"{name}_labels.txt").write_text("\n".join(str([2, 0, 1][i % 3]) for i in range(n)))


def test_a_short_distilled_run_writes_an_adapter_that_loads(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    _split(data, "train", 48)
    _split(data, "val", 12)
    cfg = TrainConfig(
        data,
        tmp_path / "out",
        epochs=1,
        batch_size=16,
        rank=4,
        alpha=8.0,
        shared_blocks=5,
        distil_from=_adapter(tmp_path, 4),
        min_accuracy=0.0,
    )
    lines: list[str] = []
    meta = train_sentiment(cfg, log=lines.append)
    assert any("labelled 48 tweets" in line for line in lines)
    saved = json.loads((tmp_path / "out" / "sentiment.json").read_text())
    assert (
        saved["config"]["distil_from"] == str(tmp_path / "shared4") == meta["config"]["distil_from"]
    )
    assert adapted_net(load_encoder(encoder_path()), tmp_path / "out").shared == 5
