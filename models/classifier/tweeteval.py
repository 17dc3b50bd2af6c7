"""The TweetEval sentiment splits: one text per line, labels on the matching line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.typing import NDArray


def load_split(data_dir: Path, split: str) -> tuple[list[str], NDArray[np.int64]]:
    """Texts and integer labels (0 negative, 1 neutral, 2 positive) of one split."""
    texts = (data_dir / f"{split}_text.txt").read_text(encoding="utf-8").splitlines()
    labels = (data_dir / f"{split}_labels.txt").read_text(encoding="utf-8").split()
    if len(texts) != len(labels):
        raise ValueError(f"{split}: {len(texts)} texts but {len(labels)} labels")
    return texts, np.array([int(x) for x in labels], dtype=np.int64)
