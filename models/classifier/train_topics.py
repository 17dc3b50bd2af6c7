"""Fit the topic head from the taxonomy's examples plus staff corrections."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from models.classification import OTHER_TOPIC
from models.classifier.backend import Engine
from models.classifier.topic_head import (
    TopicHead,
    fit_softmax,
    fit_temperature,
    load_head,
    out_of_fold_logits,
    save_head,
    softmax,
)
from models.classifier.topics_config import Taxonomy

log = logging.getLogger(__name__)
HEAD_NAME = "topics-head"


def head_path(cache_dir: Path) -> Path:
    """Where the trained topic head lives (suffixes .npz and .json are added)."""
    return cache_dir / HEAD_NAME


def embed(
    engine: Engine, texts: Sequence[str], batch: int = 64
) -> np.ndarray[Any, np.dtype[np.float32]]:
    """Embeddings of many texts, a batch at a time."""
    parts = [engine.run(texts[i : i + batch])[0] for i in range(0, len(texts), batch)]
    return np.concatenate(parts).astype(np.float32)


def training_pairs(
    taxonomy: Taxonomy, corrections: Sequence[tuple[str, str]]
) -> list[tuple[str, str]]:
    """Examples plus the corrections whose topic is known (other included), deduplicated by text."""
    known = {t.name for t in taxonomy.topics} | {OTHER_TOPIC}
    kept = [(text, topic) for text, topic in corrections if topic in known and text.strip()]
    if len(kept) < len(corrections):
        log.warning(
            "ignored %d corrections to topics not in the taxonomy", len(corrections) - len(kept)
        )
    merged = dict(taxonomy.labelled())
    merged.update(kept)
    return list(merged.items())


def fit_head(
    engine: Engine, taxonomy: Taxonomy, corrections: Sequence[tuple[str, str]], embedder: str
) -> TopicHead:
    """Fit on all pairs; calibrate the temperature on out-of-fold predictions."""
    pairs = training_pairs(taxonomy, corrections)
    labels = _labels(taxonomy, pairs)
    y = np.array([labels.index(topic) for _, topic in pairs], dtype=np.int64)
    x = embed(engine, [text for text, _ in pairs])
    held_out = out_of_fold_logits(x, y, len(labels))
    temperature = fit_temperature(held_out, y)
    weight, bias = fit_softmax(x, y, len(labels))
    meta = _meta(taxonomy, embedder, len(pairs), len(corrections), held_out, y, temperature)
    return TopicHead(tuple(labels), weight, bias, temperature, taxonomy.threshold, meta)


def _labels(taxonomy: Taxonomy, pairs: list[tuple[str, str]]) -> list[str]:
    """Topic names in file order, then other when any example is off-topic."""
    names = [t.name for t in taxonomy.topics]
    return [*names, OTHER_TOPIC] if any(topic == OTHER_TOPIC for _, topic in pairs) else names


def _meta(
    taxonomy: Taxonomy,
    embedder: str,
    n_pairs: int,
    n_corrections: int,
    held_out: np.ndarray[Any, Any],
    y: np.ndarray[Any, Any],
    temperature: float,
) -> dict[str, Any]:
    """Provenance and cross-validated figures stored with the head."""
    probs = softmax((held_out / temperature).astype(np.float32))
    return {
        "topics_digest": taxonomy.digest,
        "embedder": embedder,
        "examples": n_pairs,
        "corrections": n_corrections,
        "cv_accuracy": float(np.mean(np.argmax(probs, axis=1) == y)),
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def head_version(head: TopicHead) -> str:
    """Short hash of the head's labels, weights and temperature."""
    digest = hashlib.sha256("|".join(head.labels).encode())
    digest.update(head.weight.tobytes() + head.bias.tobytes() + str(head.temperature).encode())
    return digest.hexdigest()[:8]


def current_head(engine: Engine, taxonomy: Taxonomy, cache_dir: Path, embedder: str) -> TopicHead:
    """The saved head if it matches this taxonomy and encoder, else a fresh one from the file."""
    head = load_head(head_path(cache_dir))
    if head is not None and is_current(head, taxonomy, embedder):
        return head
    log.warning("topic head missing or stale; training it from the topics file (no corrections)")
    head = fit_head(engine, taxonomy, (), embedder)
    save_head(head, head_path(cache_dir))
    return head


def is_current(head: TopicHead, taxonomy: Taxonomy, embedder: str) -> bool:
    """Whether a saved head was fitted on this topics file with this encoder + adapter."""
    meta = head.meta
    return meta.get("topics_digest") == taxonomy.digest and meta.get("embedder") == embedder
