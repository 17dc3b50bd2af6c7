"""A deterministic stand-in for the classifier's sentence embeddings: words hashed into a small
unit vector, topic words weighing more, so texts sharing a subject's words come out close."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from models.classification import Classification
from tests.fakes.classifier import TOPIC_WORDS, KeywordClassifier

WIDTH = 64
STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "at",
        "do",
        "does",
        "for",
        "from",
        "how",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "our",
        "the",
        "this",
        "to",
        "was",
        "we",
        "what",
        "when",
        "with",
        "would",
        "you",
        "your",
        "i",
        "my",
        "me",
        "can",
    ]
)


def embedding(text: str) -> NDArray[np.float32]:
    """A unit vector of the text's content words (topic words three times as heavy)."""
    vector = np.zeros(WIDTH, dtype=np.float32)
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in STOP:
            continue
        slot = int.from_bytes(hashlib.sha256(word.encode()).digest()[:4], "big") % WIDTH
        vector[slot] += 3.0 if word in TOPIC_WORDS else 1.0
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


class EmbeddingClassifier(KeywordClassifier):
    """The keyword classifier whose verdicts carry an embedding, and which can ``embed``."""

    async def classify(self, texts: Sequence[str]) -> list[Classification]:
        verdicts = await super().classify(texts)
        return [replace(v, embedding=embedding(t)) for v, t in zip(verdicts, texts, strict=True)]

    async def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        return (
            np.stack([embedding(t) for t in texts])
            if texts
            else np.zeros((0, WIDTH), dtype=np.float32)
        )
