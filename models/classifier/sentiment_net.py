"""The sentiment network (the encoder, LoRA while training, and a linear head on mean pooling) and
the serving network, which adds the untouched encoder for topic features."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file
from torch import nn
from transformers import PreTrainedModel

from models.classifier.artifacts import ADAPTER_FILE, META_FILE, read_meta
from models.classifier.encoder import load_encoder, mean_pool
from models.classifier.lora import LoRALinear, add_lora, lora_state


class SentimentNet(nn.Module):
    """Encoder + mean pooling + linear head: what training tunes (the adapter and the head).

    It returns the old joined features (word-embedding mean ; last-layer mean) beside the logits;
    training reads only the logits, and serving takes topic features from ServingNet instead.
    """

    def __init__(self, encoder: PreTrainedModel, n_labels: int = 3, dropout: float = 0.1) -> None:
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(int(encoder.config.hidden_size), n_labels)

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Topic features and sentiment logits for a padded batch."""
        out = self.encoder(
            input_ids=input_ids, attention_mask=attention_mask, output_hidden_states=True
        )
        final = mean_pool(out.last_hidden_state, attention_mask)
        lexical = mean_pool(out.hidden_states[0], attention_mask)
        features = torch.cat([unit(lexical), unit(final)], dim=-1)
        return features, self.head(self.dropout(final))


def unit(x: torch.Tensor) -> torch.Tensor:
    """Rows scaled to unit length."""
    return torch.nn.functional.normalize(x, dim=-1)


def trainable_net(encoder_dir: Path, rank: int, alpha: float) -> SentimentNet:
    """A fresh network whose only trainable parts are the adapters and the head."""
    net = SentimentNet(load_encoder(encoder_dir))
    add_lora(net.encoder, rank, alpha)
    return net


def adapter_state(net: SentimentNet) -> dict[str, torch.Tensor]:
    """Adapter and head tensors: everything that is not the frozen encoder."""
    state = {f"encoder.{k}": v for k, v in lora_state(net.encoder).items()}
    state.update({f"head.{k}": v.detach().clone() for k, v in net.head.state_dict().items()})
    return state


def save_adapter(state: dict[str, torch.Tensor], meta: dict[str, Any], out_dir: Path) -> None:
    """Write the adapter tensors and their metadata (rank, alpha, bias, figures)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in state.items()}, str(out_dir / ADAPTER_FILE))
    (out_dir / META_FILE).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")


class ServingNet(nn.Module):
    """What runs at serving time: topic features from the untouched encoder, sentiment logits from
    the adapted one. Both read the same (shared) embedding layer; the adapter does not touch it.

    Measured on the library dev set (topic macro-F1, same head and examples): features from the
    sentiment-tuned encoder 0.64, from the untouched encoder 0.82. The tuned last layer carries
    sentiment, so a praising message leaned towards staff_and_service whatever it praised.
    """

    def __init__(self, topic_encoder: PreTrainedModel, sentiment: SentimentNet) -> None:
        super().__init__()
        sentiment.encoder.embeddings = topic_encoder.embeddings
        self.topic_encoder = topic_encoder
        self.sentiment = sentiment

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Topic features (mean of the untouched last layer) and sentiment logits."""
        plain = self.topic_encoder(input_ids=input_ids, attention_mask=attention_mask)
        tuned = self.sentiment.encoder(input_ids=input_ids, attention_mask=attention_mask)
        logits = self.sentiment.head(mean_pool(tuned.last_hidden_state, attention_mask))
        return mean_pool(plain.last_hidden_state, attention_mask), logits


def serving_net(encoder_dir: Path, weights_dir: Path) -> ServingNet:
    """The serving network: the untouched encoder beside the adapted one, in eval mode.

    The adapter is not merged: the adapted stack's linear layers are the untouched encoder's own
    layers plus their low-rank updates, so the weights exist once (23.4 M parameters in use, not
    the 33 M two full stacks would hold).
    """
    plain = load_encoder(encoder_dir)
    tuned = adapted_net(encoder_dir, weights_dir)
    for name, module in tuned.encoder.named_modules():
        shared = plain.get_submodule(name) if isinstance(module, LoRALinear) else None
        if isinstance(module, LoRALinear) and isinstance(shared, nn.Linear):
            module.base = shared
    return ServingNet(plain, tuned).eval()


def adapted_net(encoder_dir: Path, weights_dir: Path) -> SentimentNet:
    """The encoder with the shipped adapter (not merged) and the head loaded, in eval mode."""
    meta = read_meta(weights_dir)
    net = trainable_net(encoder_dir, int(meta["rank"]), float(meta["alpha"]))
    missing = net.load_state_dict(load_file(str(weights_dir / ADAPTER_FILE)), strict=False)
    if missing.unexpected_keys:
        raise ValueError(f"unexpected adapter tensors: {missing.unexpected_keys[:3]}")
    return net.eval()
