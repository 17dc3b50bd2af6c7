"""The sentiment network and the serving network.

Sentiment reads the untouched encoder's hidden state after its first ``shared`` blocks and runs
its own copy of the upper blocks, adapted with LoRA (``peft``), then a linear head on mean
pooling. The serving network runs the untouched encoder once (its last layer's mean is the
sentence embedding topics, urgency and themes read) and only the adapted upper blocks a second
time, so one message costs 6 + (6 - shared) blocks instead of 12.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import torch
from peft import LoraConfig, inject_adapter_in_model
from peft.tuners.lora import LoraLayer
from safetensors.torch import load_file, save_file
from torch import nn
from transformers import PreTrainedModel

from models.classifier.artifacts import ADAPTER_FILE, META_FILE, read_meta
from models.classifier.encoder import load_encoder, mean_pool

LORA_TARGETS = ["query", "key", "value", "dense"]
"""Every linear layer of a BERT block: Q, K, V, attention output, intermediate, output."""


class UpperBlocks(nn.Module):
    """A copy of the encoder's upper blocks (frozen), which LoRA then adapts."""

    def __init__(self, encoder: PreTrainedModel, shared: int) -> None:
        super().__init__()
        blocks = blocks_of(encoder)
        self.layer = nn.ModuleList(copy.deepcopy(blocks[i]) for i in range(shared, len(blocks)))

    def forward(self, hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Run the blocks over a padded batch of hidden states."""
        extended = additive_mask(mask, hidden.dtype)
        for block in self.layer:
            hidden = block(hidden, extended)
        return hidden


def blocks_of(encoder: nn.Module) -> nn.ModuleList:
    """The encoder's transformer blocks, in order."""
    blocks = encoder.get_submodule("encoder.layer")
    if not isinstance(blocks, nn.ModuleList):
        raise TypeError("the encoder has no encoder.layer block list")
    return blocks


def additive_mask(mask: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """The (batch, 1, 1, tokens) mask eager attention adds to its scores: 0 kept, -inf-ish not."""
    keep = mask[:, None, None, :].to(dtype)
    return (1.0 - keep) * torch.finfo(dtype).min


class SentimentNet(nn.Module):
    """Adapted upper blocks + mean pooling + linear head, on the shared blocks' hidden state."""

    def __init__(
        self, encoder: PreTrainedModel, shared: int, rank: int, alpha: float, dropout: float = 0.1
    ) -> None:
        super().__init__()
        encoder.config._attn_implementation = "eager"
        self.shared = shared
        self.blocks = UpperBlocks(encoder, shared)
        for param in self.blocks.parameters():
            param.requires_grad_(False)
        config = LoraConfig(
            r=rank,
            lora_alpha=int(alpha),
            target_modules=LORA_TARGETS,
            lora_dropout=0.0,
            bias="none",
        )
        inject_adapter_in_model(config, self.blocks)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(int(encoder.config.hidden_size), 3)

    def forward(self, hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Sentiment logits from the hidden state after the shared blocks."""
        tuned = self.blocks(hidden, mask)
        logits: torch.Tensor = self.head(self.dropout(mean_pool(tuned, mask)))
        return logits


def trainable_net(encoder: PreTrainedModel, shared: int, rank: int, alpha: float) -> SentimentNet:
    """A fresh network whose only trainable parts are the adapters and the head."""
    return SentimentNet(encoder, shared, rank, alpha)


def adapter_state(net: SentimentNet) -> dict[str, torch.Tensor]:
    """Adapter and head tensors: everything that is not a frozen copy of the encoder."""
    return {
        k: v.detach().clone()
        for k, v in net.state_dict().items()
        if ".lora_" in k or k.startswith("head.")
    }


def save_adapter(state: dict[str, torch.Tensor], meta: dict[str, Any], out_dir: Path) -> None:
    """Write the adapter tensors and their metadata (blocks shared, rank, alpha, bias, figures)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in state.items()}, str(out_dir / ADAPTER_FILE))
    (out_dir / META_FILE).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")


class ServingNet(nn.Module):
    """What runs at serving time: the untouched encoder once, the adapted upper blocks on its
    hidden state after the shared blocks. Outputs the sentence embedding (mean of the untouched
    last layer: what topics, urgency and themes read) and the sentiment logits.
    """

    def __init__(self, encoder: PreTrainedModel, sentiment: SentimentNet) -> None:
        super().__init__()
        self.encoder = encoder
        self.sentiment = sentiment

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Sentence embedding (untouched encoder) and sentiment logits."""
        out = self.encoder(
            input_ids=input_ids, attention_mask=attention_mask, output_hidden_states=True
        )
        logits = self.sentiment(out.hidden_states[self.sentiment.shared], attention_mask)
        return mean_pool(out.last_hidden_state, attention_mask), logits


def serving_net(encoder_dir: Path, weights_dir: Path) -> ServingNet:
    """The serving network, in eval mode.

    The adapter is not merged: each adapted linear layer is the untouched encoder's own layer
    plus its low-rank update, so the encoder's weights exist once.
    """
    encoder = load_encoder(encoder_dir)
    sentiment = adapted_net(encoder, weights_dir)
    for name, module in list(sentiment.blocks.named_modules()):
        if isinstance(module, LoraLayer):
            index, _, rest = name.removeprefix("layer.").partition(".")
            own = encoder.get_submodule(f"encoder.layer.{int(index) + sentiment.shared}.{rest}")
            module.base_layer = own
    return ServingNet(encoder, sentiment).eval()


def adapted_net(encoder: PreTrainedModel, weights_dir: Path) -> SentimentNet:
    """The sentiment network with the shipped adapter and head loaded, in eval mode.

    An adapter of the first layout (no ``shared_blocks`` in its metadata: the hand-written LoRA
    on all six blocks) loads as ``shared_blocks`` 0, which computes what it always did.
    """
    meta = read_meta(weights_dir)
    shared = int(meta.get("shared_blocks", 0))
    net = trainable_net(encoder, shared, int(meta["rank"]), float(meta["alpha"]))
    missing = net.load_state_dict(adapter_tensors(weights_dir, shared), strict=False)
    if missing.unexpected_keys:
        raise ValueError(f"unexpected adapter tensors: {missing.unexpected_keys[:3]}")
    lost = [k for k in missing.missing_keys if ".lora_" in k or k.startswith("head.")]
    if lost:
        raise ValueError(f"adapter tensors missing: {lost[:3]}")
    return net.eval()


def adapter_tensors(weights_dir: Path, shared: int) -> dict[str, torch.Tensor]:
    """The adapter's tensors for a network sharing ``shared`` blocks: an adapter of that layout
    as it is, one of the first layout (no ``shared_blocks`` in its metadata) by its blocks from
    ``shared`` up (``old_layout_state``); an adapter sharing another number is refused."""
    state = load_file(str(weights_dir / ADAPTER_FILE))
    theirs = read_meta(weights_dir).get("shared_blocks")
    if theirs is None:
        return old_layout_state(state, shared)
    if int(theirs) != shared:
        raise ValueError(f"{weights_dir}: its adapter shares {theirs} blocks, this run {shared}")
    return state


def old_layout_state(old: dict[str, torch.Tensor], shared: int) -> dict[str, torch.Tensor]:
    """Tensors of the first layout (``encoder.encoder.layer.N.….lora_a``/``lora_b``, LoRA on all
    six blocks) renamed for a network that adapts the blocks from ``shared`` up (peft's names);
    the lower blocks' updates are dropped."""
    state: dict[str, torch.Tensor] = {}
    for key, value in old.items():
        if key.startswith("head."):
            state[key] = value
            continue
        block, _, rest = key.removeprefix("encoder.encoder.layer.").partition(".")
        if int(block) < shared:
            continue
        path, _, part = rest.rpartition(".")
        name = {"lora_a": "lora_A", "lora_b": "lora_B"}[part]
        state[f"blocks.layer.{int(block) - shared}.{path}.{name}.default.weight"] = value
    return state
