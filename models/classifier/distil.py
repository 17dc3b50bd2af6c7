"""Distillation for the sentiment adapter: a stronger adapter (the teacher, e.g. the first
layout's, which adapts all six blocks) labels every training tweet once, and the student learns
from those soft labels as well as from the gold ones.

The shared-pass layout adapts only blocks 4-5, on the untouched encoder's block-3 output; trained
on gold labels alone it reached TweetEval validation macro-recall 0.740 against the first
layout's 0.746. Learning the teacher's logits too (half the loss, at temperature 2) brought it
to the teacher's level (MODEL_CARD.md)."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from numpy.typing import NDArray
from torch import nn

WEIGHT = 0.5
"""The share of the loss that is the teacher's (the rest: cross-entropy on the gold labels)."""
TEMPERATURE = 2.0
"""Both networks' logits are divided by this before they are compared (softer targets)."""


class Objective:
    """Class-weighted cross-entropy on the gold labels, mixed with the distillation loss (the
    KL divergence from the teacher's softened distribution, scaled by T²) when teacher logits
    are given."""

    def __init__(
        self,
        class_weights: torch.Tensor,
        teacher: NDArray[np.float32] | None = None,
        weight: float = WEIGHT,
        temperature: float = TEMPERATURE,
    ) -> None:
        self._cross_entropy = nn.CrossEntropyLoss(weight=class_weights)
        self._teacher = None if teacher is None else torch.from_numpy(teacher).float()
        self._weight = weight
        self._t = temperature

    def __call__(
        self, logits: torch.Tensor, labels: torch.Tensor, pick: NDArray[np.int64]
    ) -> torch.Tensor:
        """The loss of one batch: ``logits`` for the training tweets at positions ``pick``."""
        gold: torch.Tensor = self._cross_entropy(logits, labels)
        if self._teacher is None:
            return gold
        soft = F.softmax(self._teacher[pick].to(logits.device) / self._t, dim=1)
        taught = F.kl_div(F.log_softmax(logits / self._t, dim=1), soft, reduction="batchmean")
        mixed: torch.Tensor = (1 - self._weight) * gold + self._weight * taught * self._t**2
        return mixed
