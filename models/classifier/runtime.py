"""The runtime classifier: one engine, the topic head, and a micro-batching worker."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

import numpy as np
from numpy.typing import NDArray

from models.classification import SENTIMENTS, Classification
from models.classifier.artifacts import ADAPTER_FILE, META_FILE, read_meta
from models.classifier.backend import Engine, build_engine
from models.classifier.batcher import MicroBatcher
from models.classifier.encoder import (
    ENCODER_NAME,
    ClassifierUnavailable,
    encoder_path,
    file_hash,
    model_tag,
)
from models.classifier.prepare import is_prepared, prepare_in_child
from models.classifier.topic_head import TopicHead, save_head, softmax
from models.classifier.topics_config import Taxonomy, load_taxonomy
from models.classifier.train_topics import current_head, fit_head, head_path, head_version
from models.classifier.urgency import Urgency, UrgencySpec
from models.classifier.urgency_head import HEAD_FILE, UrgencyHead, load_urgency_head

WEIGHTS_DIR = Path(__file__).parent / "weights"


class LocalClassifier:
    """Sentiment and topic from one forward pass of the local encoder.

    Use it as ``async with classifier:`` (or ``start()`` / ``close()``) so the batching worker
    runs; ``classify`` is then safe to call concurrently from the event loop.
    """

    def __init__(
        self,
        engine: Engine,
        head: TopicHead,
        bias: Sequence[float],
        version: str,
        *,
        max_batch: int,
        max_wait_ms: float,
        urgency: UrgencySpec | None = None,
        urgency_head: UrgencyHead | None = None,
    ) -> None:
        self._engine = engine
        spec = urgency or UrgencySpec(())
        self._urgency = Urgency(spec, lambda t: engine.run(t)[0], urgency_head)
        self._head = head
        self._bias = np.asarray(bias, dtype=np.float32)
        self._version = version
        self._max_batch = max_batch
        self._batcher = MicroBatcher(
            self.classify_now,
            max_batch=max_batch,
            max_wait_ms=max_wait_ms,
            workers=engine.workers,
        )

    @property
    def version(self) -> str:
        """Encoder, adapter and topic-head hashes, and the engine that ran them."""
        return self._version

    @property
    def topics(self) -> tuple[str, ...]:
        """The labels the topic head knows."""
        return self._head.labels

    async def start(self) -> None:
        """Start the batching worker."""
        await self._batcher.start()

    async def close(self) -> None:
        """Stop the batching worker."""
        await self._batcher.close()

    async def __aenter__(self) -> LocalClassifier:
        await self.start()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def classify(self, texts: Sequence[str]) -> list[Classification]:
        """Label each text through the micro-batcher (the caller's own results, in order)."""
        return await self._batcher.submit(texts)

    async def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Unit-length sentence embeddings of the texts (untouched encoder), off the event loop."""
        return await asyncio.to_thread(self.embed_now, texts)

    def embed_now(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Unit-length sentence embeddings, in this thread (blocking)."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return unit_rows(self._engine.run([t if t.strip() else "." for t in texts])[0])

    def classify_now(self, texts: Sequence[str]) -> list[Classification]:
        """Label texts in this thread (blocking: not for the event loop).

        Texts run max_batch at a time, grouped by length so that little padding is computed.
        """
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        verdicts: dict[int, Classification] = {}
        for start in range(0, len(order), self._max_batch):
            chunk = order[start : start + self._max_batch]
            verdicts.update(zip(chunk, self._label([texts[i] for i in chunk]), strict=True))
        return [verdicts[i] for i in range(len(texts))]

    def _label(self, texts: Sequence[str]) -> list[Classification]:
        """One engine call, then both heads and the urgency check on the same embeddings."""
        embeddings, logits = self._engine.run([t if t.strip() else "." for t in texts])
        scores = softmax(logits + self._bias)
        topics = self._head.predict(embeddings)
        urgent = self._urgency.flags(embeddings)
        units = unit_rows(embeddings)
        return [self._one(*row) for row in zip(scores, topics, urgent, units, strict=True)]

    def _one(
        self,
        scores: np.ndarray,
        topic: tuple[str, float],
        urgent: bool,
        embedding: NDArray[np.float32],
    ) -> Classification:
        """A Classification from one row of scores, one topic decision and its urgency."""
        named = {name: round(float(p), 4) for name, p in zip(SENTIMENTS, scores, strict=True)}
        return Classification(
            SENTIMENTS[int(np.argmax(scores))],
            named,
            topic[0],
            round(topic[1], 4),
            self._version,
            urgent,
            embedding,
        )


def unit_rows(x: NDArray[np.float32]) -> NDArray[np.float32]:
    """Rows scaled to unit length (float32), so a dot product is the cosine similarity."""
    norms = np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-9)
    scaled: NDArray[np.float32] = (x / norms).astype(np.float32)
    return scaled


def load_classifier(
    *,
    topics_file: Path,
    cache_dir: Path,
    max_batch: int = 32,
    max_wait_ms: float = 0.0,
    threads: int = 1,
    engine: str = "auto",
    weights_dir: Path = WEIGHTS_DIR,
    prepare_apart: bool = True,
    urgency: UrgencySpec | None = None,
) -> LocalClassifier:
    """Load the encoder, the shipped adapter, the topic head and the urgency head (not started).

    Raises ClassifierUnavailable with one line when the encoder package, the adapter weights,
    the urgency head or the topics file is missing or broken. The ONNX model is built into
    cache_dir on first use; a missing or stale topic head is trained from the topics file. With
    ``prepare_apart`` and an ONNX engine, that first-use work runs in a child process (see
    prepare.py). ``urgency``: the urgent exemplars to embed once (none: ``urgent`` comes from
    the urgency head alone). ``threads``: intra-op threads a run of the ONNX engine may use.
    """
    taxonomy = _taxonomy(topics_file)
    if prepare_apart and engine != "torch":
        _prepare_if_needed(topics_file, taxonomy, cache_dir, engine, weights_dir)
    runner, tag = engine_and_tag(weights_dir, cache_dir, engine, threads)
    head = current_head(runner, taxonomy, cache_dir, tag)
    return _assemble(runner, head, tag, weights_dir, max_batch, max_wait_ms, urgency)


def _prepare_if_needed(
    topics_file: Path, taxonomy: Taxonomy, cache_dir: Path, engine: str, weights_dir: Path
) -> None:
    """Build the ONNX model and the topic head in a child process unless the cache has them."""
    if not is_prepared(cache_dir, taxonomy, _adapter_hash(weights_dir)):
        prepare_in_child(
            topics_file=topics_file, cache_dir=cache_dir, engine=engine, weights_dir=weights_dir
        )


def retrain_topics(
    *,
    topics_file: Path,
    cache_dir: Path,
    corrections: Sequence[tuple[str, str]],
    engine: str = "auto",
    weights_dir: Path = WEIGHTS_DIR,
    learned: Sequence[str] = (),
) -> LocalClassifier:
    """Fit the topic head on the examples plus corrections, save it, return the classifier.
    ``learned``: topics leads made from themes (their corrections are their examples)."""
    runner, tag = engine_and_tag(weights_dir, cache_dir, engine)
    head = fit_head(runner, _taxonomy(topics_file).extended(learned), corrections, tag)
    save_head(head, head_path(cache_dir))
    return _assemble(runner, head, tag, weights_dir, 32, 0.0)


def engine_and_tag(
    weights_dir: Path, cache_dir: Path, kind: str, threads: int = 1
) -> tuple[Engine, str]:
    """The inference engine and the encoder+adapter tag it was built from."""
    enc_dir = encoder_path()
    tag = model_tag(enc_dir, _adapter_hash(weights_dir))
    return build_engine(enc_dir, weights_dir, cache_dir, tag, kind, threads), tag


def _assemble(
    runner: Engine,
    head: TopicHead,
    tag: str,
    weights_dir: Path,
    max_batch: int,
    max_wait_ms: float,
    urgency: UrgencySpec | None = None,
) -> LocalClassifier:
    """A classifier from its parts, with its version string."""
    encoder, adapter, _ = tag.split("-")
    urgent = load_urgency_head(weights_dir / HEAD_FILE, encoder_id(tag))
    parts = (
        f"lora@{adapter}+topics@{head_version(head)}+urgency@{file_hash(weights_dir / HEAD_FILE)}"
    )
    version = f"{ENCODER_NAME}@{encoder}+{parts}/{runner.name}"
    bias = read_meta(weights_dir).get("logit_bias", [0.0, 0.0, 0.0])
    return LocalClassifier(
        runner,
        head,
        bias,
        version,
        max_batch=max_batch,
        max_wait_ms=max_wait_ms,
        urgency=urgency,
        urgency_head=urgent,
    )


def encoder_id(tag: str) -> str:
    """The encoder a head was trained on, as heads record it: name@weights hash."""
    return f"{ENCODER_NAME}@{tag.split('-')[0]}"


def _adapter_hash(weights_dir: Path) -> str:
    """Hash of the shipped adapter, or ClassifierUnavailable when it is missing."""
    if not (weights_dir / ADAPTER_FILE).is_file() or not (weights_dir / META_FILE).is_file():
        raise ClassifierUnavailable(
            f"sentiment adapter missing in {weights_dir} (run: python -m bot train sentiment)"
        )
    return file_hash(weights_dir / ADAPTER_FILE)


def _taxonomy(topics_file: Path) -> Taxonomy:
    """The topics file, or ClassifierUnavailable naming the problem."""
    try:
        return load_taxonomy(topics_file)
    except (OSError, ValueError) as exc:
        raise ClassifierUnavailable(f"topics file {topics_file}: {exc}") from None
