"""Inference engines behind one call: texts in, (embeddings, sentiment logits) out."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np
from numpy.typing import NDArray
from tokenizers import Tokenizer

from models.classifier.onnx_export import UNFUSED, ensure_onnx

if TYPE_CHECKING:
    from onnxruntime import InferenceSession

log = logging.getLogger(__name__)
MAX_TOKENS = 128
PAD_WASTE = 1.3
Arrays = tuple[NDArray[np.float32], NDArray[np.float32]]
IntArray = NDArray[np.int64]


class Engine(Protocol):
    """Runs the merged encoder and the sentiment head on a batch of texts."""

    name: str
    workers: int
    """How many batches it runs well at once (each in its own thread)."""

    def run(self, texts: Sequence[str]) -> Arrays:
        """Mean-pooled embeddings and sentiment logits, one row per text."""
        ...


def tokenizer(encoder_dir: Path) -> Tokenizer:
    """The encoder's fast tokenizer, truncating to MAX_TOKENS (padding is done per length group)."""
    tok = Tokenizer.from_file(str(encoder_dir / "tokenizer.json"))
    tok.enable_truncation(MAX_TOKENS)
    tok.no_padding()
    return tok


def encode(tok: Tokenizer, texts: Sequence[str]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Token ids and attention mask as int64 arrays, padded to the longest text given."""
    return pad([e.ids for e in tok.encode_batch(list(texts))])


def pad(rows: Sequence[Sequence[int]]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Rows of token ids right-padded with 0 into one array, and the matching mask."""
    ids = np.zeros((len(rows), max(len(r) for r in rows)), dtype=np.int64)
    mask = np.zeros_like(ids)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = row
        mask[i, : len(row)] = 1
    return ids, mask


def length_groups(lengths: Sequence[int], waste: float = PAD_WASTE) -> list[list[int]]:
    """Indices grouped by similar length, so that a group padded to its longest computes at most
    ``waste`` times its real tokens (a group's extra run costs far less than the padding it saves).
    """
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    groups: list[list[int]] = []
    real = 0
    for i in order:
        if groups and (len(groups[-1]) + 1) * lengths[i] <= waste * (real + lengths[i]):
            groups[-1].append(i)
            real += lengths[i]
        else:
            groups.append([i])
            real = lengths[i]
    return groups


def run_grouped(
    tok: Tokenizer, texts: Sequence[str], call: Callable[[IntArray, IntArray], Arrays]
) -> Arrays:
    """Tokenize, run each length group, and return the rows in the order of the texts."""
    rows = [e.ids for e in tok.encode_batch(list(texts))]
    features: NDArray[np.float32] | None = None
    logits: NDArray[np.float32] | None = None
    for group in length_groups([len(r) for r in rows]):
        f, z = call(*pad([rows[i] for i in group]))
        if features is None or logits is None:
            features = np.empty((len(rows), f.shape[1]), np.float32)
            logits = np.empty((len(rows), z.shape[1]), np.float32)
        features[group], logits[group] = f, z
    assert features is not None and logits is not None
    return features, logits


class OnnxEngine:
    """ONNX Runtime on the CPU with the per-channel int8 model.

    One run per core (``workers``) goes at once, each on ``threads`` intra-op threads (1 by
    default): two batches side by side classify about as many messages a second as the cores
    allow (one batch split across both used the second core badly), and handing a short
    message's operators to a second thread cost more than it saved on the last CPU measured
    (MODEL_CARD.md, Speed)."""

    def __init__(self, model: Path, tok: Tokenizer, threads: int = 1, workers: int = 0) -> None:
        self._session = onnx_session(model, threads)
        self._tok = tok
        self.name = "onnx-int8"
        self.workers = workers or cores()

    def run(self, texts: Sequence[str]) -> Arrays:
        """Tokenize and run the session once per length group."""
        return run_grouped(self._tok, texts, self._call)

    def _call(self, ids: IntArray, mask: IntArray) -> Arrays:
        """One session run on a padded group."""
        embedding, logits = self._session.run(None, {"input_ids": ids, "attention_mask": mask})
        return np.asarray(embedding, np.float32), np.asarray(logits, np.float32)


class TorchEngine:
    """The merged network in PyTorch (fp32): the fallback and the reference."""

    def __init__(self, encoder_dir: Path, weights_dir: Path, tok: Tokenizer) -> None:
        from models.classifier.sentiment_net import serving_net

        self._net = serving_net(encoder_dir, weights_dir)
        self._tok = tok
        self.name = "torch-fp32"
        self.workers = 1  # torch splits one run across the cores itself

    def run(self, texts: Sequence[str]) -> Arrays:
        """Tokenize and run the network."""
        import torch

        ids, mask = encode(self._tok, texts)
        with torch.inference_mode():
            embedding, logits = self._net(torch.from_numpy(ids), torch.from_numpy(mask))
        return embedding.numpy(), logits.numpy()


def onnx_session(model: Path, threads: int, optimized_to: Path | None = None) -> InferenceSession:
    """An ONNX Runtime CPU session on ``threads`` intra-op threads that do not spin, without
    the fusions that make it slower (onnx_export.UNFUSED); ``optimized_to``: where to write the
    graph as the session optimized it, for inspection."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    if optimized_to is not None:
        options.optimized_model_filepath = str(optimized_to)
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # Spinning worker threads burn the cores the event loop and the tokenizer need: measured
    # on 2 cores, twice the CPU time per message for the same work (see MODEL_CARD.md).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(
        str(model), options, providers=["CPUExecutionProvider"], disabled_optimizers=list(UNFUSED)
    )


def cores() -> int:
    """The cores this process may run on (at most four: more batches at once than that only
    make each caller wait longer for its own)."""
    return max(1, min(4, len(os.sched_getaffinity(0))))


def build_engine(
    encoder_dir: Path, weights_dir: Path, cache_dir: Path, tag: str, kind: str, threads: int = 1
) -> Engine:
    """The ONNX engine (``threads`` intra-op threads a run) when kind is onnx or auto and it
    builds; otherwise torch."""
    tok = tokenizer(encoder_dir)
    if kind in ("onnx", "auto"):
        try:
            return OnnxEngine(ensure_onnx(encoder_dir, weights_dir, cache_dir, tag), tok, threads)
        except Exception as exc:
            if kind == "onnx":
                raise
            log.warning("ONNX engine unavailable (%s); using torch", exc)
    return TorchEngine(encoder_dir, weights_dir, tok)
