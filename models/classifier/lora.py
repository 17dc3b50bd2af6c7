"""Low-rank adapters (LoRA) for the encoder's linear layers: add, save, load and merge."""

from __future__ import annotations

import math

import torch
from torch import nn


class LoRALinear(nn.Module):
    """A frozen linear layer plus a trainable low-rank update B·A scaled by alpha / rank."""

    def __init__(self, base: nn.Linear, rank: int, alpha: float) -> None:
        super().__init__()
        self.base = base
        self.lora_a = nn.Parameter(torch.empty(rank, base.in_features))
        self.lora_b = nn.Parameter(torch.zeros(base.out_features, rank))
        self.scale = alpha / rank
        nn.init.kaiming_uniform_(self.lora_a, a=math.sqrt(5))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Base output plus the scaled low-rank path."""
        out: torch.Tensor = self.base(x) + (x @ self.lora_a.t() @ self.lora_b.t()) * self.scale
        return out

    def merged(self) -> nn.Linear:
        """A plain linear layer with the update folded into its weight."""
        layer = nn.Linear(self.base.in_features, self.base.out_features)
        with torch.no_grad():
            layer.weight.copy_(self.base.weight + self.scale * (self.lora_b @ self.lora_a))
            layer.bias.copy_(self.base.bias)
        return layer


def add_lora(model: nn.Module, rank: int, alpha: float) -> None:
    """Freeze the model and wrap every linear layer of its encoder blocks with LoRA."""
    for param in model.parameters():
        param.requires_grad_(False)
    for name, module in list(model.named_modules()):
        if isinstance(module, nn.Linear) and name.startswith("encoder."):
            _replace(model, name, LoRALinear(module, rank, alpha))


def merge_lora(model: nn.Module) -> None:
    """Fold every LoRA update into its base layer, leaving a plain model."""
    for name, module in list(model.named_modules()):
        if isinstance(module, LoRALinear):
            _replace(model, name, module.merged())


def lora_state(model: nn.Module) -> dict[str, torch.Tensor]:
    """The adapter tensors only, keyed by their module path."""
    return {k: v.detach().clone() for k, v in model.state_dict().items() if ".lora_" in k}


def _replace(model: nn.Module, name: str, new: nn.Module) -> None:
    """Swap the submodule at a dotted path."""
    parent_name, _, child = name.rpartition(".")
    parent = model.get_submodule(parent_name) if parent_name else model
    setattr(parent, child, new)
