"""The serving network: one untouched encoder pass (the sentence embedding), the adapted upper
blocks on its hidden state, the encoder's weights held once; peft adapters on the upper blocks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from peft.tuners.lora import LoraLayer

from models.classifier.encoder import encoder_path, load_encoder, mean_pool
from models.classifier.runtime import WEIGHTS_DIR
from models.classifier.sentiment_net import (
    adapter_state,
    save_adapter,
    serving_net,
    trainable_net,
)

IDS = torch.tensor([[101, 1996, 4010, 2003, 10009, 2153, 102], [101, 7592, 102, 0, 0, 0, 0]])
MASK = (IDS != 0).long()


def test_the_embedding_is_the_untouched_encoders_mean_pooling() -> None:
    net = serving_net(encoder_path(), WEIGHTS_DIR)
    plain = load_encoder(encoder_path())
    with torch.inference_mode():
        embedding, logits = net(IDS, MASK)
        expected = mean_pool(plain(input_ids=IDS, attention_mask=MASK).last_hidden_state, MASK)
    assert torch.allclose(embedding, expected, atol=1e-5)
    assert logits.shape == (2, 3)


def test_the_adapted_blocks_reuse_the_encoders_weights() -> None:
    net = serving_net(encoder_path(), WEIGHTS_DIR)
    layers = [m for m in net.sentiment.blocks.modules() if isinstance(m, LoraLayer)]
    assert len(layers) == 6 * (6 - net.sentiment.shared)  # Q, K, V, out, intermediate, output
    own = {p.data_ptr() for p in net.encoder.parameters()}
    bases = [m.get_base_layer().weight.data_ptr() for m in layers]
    assert all(ptr in own for ptr in bases)
    in_use = {p.data_ptr(): p.numel() for p in net.parameters()}
    assert sum(in_use.values()) < 25_000_000


def test_a_trained_adapter_round_trips(tmp_path: Path) -> None:
    net = trainable_net(load_encoder(encoder_path()), 4, 8, 16.0)
    trainable = {n for n, p in net.named_parameters() if p.requires_grad}
    assert trainable and all(".lora_" in n or n.startswith("head.") for n in trainable)
    assert len(net.blocks.layer) == 2  # copies of blocks 4 and 5 only
    assert {n.split(".")[2] for n in trainable if n.startswith("blocks.")} == {"0", "1"}
    with torch.no_grad():
        for param in net.parameters():
            if param.requires_grad:
                param.normal_(0, 0.02)
    meta = {"shared_blocks": 4, "rank": 8, "alpha": 16.0, "logit_bias": [0.0, 0.0, 0.0]}
    save_adapter(adapter_state(net), meta, tmp_path)
    served = serving_net(encoder_path(), tmp_path)
    net.eval()
    with torch.inference_mode():
        hidden = load_encoder(encoder_path())(
            input_ids=IDS, attention_mask=MASK, output_hidden_states=True
        ).hidden_states[4]
        assert torch.allclose(served(IDS, MASK)[1], net(hidden, MASK), atol=1e-4)


def test_an_adapter_of_the_first_layout_still_loads(tmp_path: Path) -> None:
    meta = json.loads((WEIGHTS_DIR / "sentiment.json").read_text())
    if "shared_blocks" in meta:
        pytest.skip("the shipped adapter is of the new layout")
    net = serving_net(encoder_path(), WEIGHTS_DIR)
    assert net.sentiment.shared == 0
