"""Inference engines behind one call: texts in, (embeddings, sentiment logits) out."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
from numpy.typing import NDArray
from tokenizers import Tokenizer

from models.classifier.onnx_export import ensure_onnx

log = logging.getLogger(__name__)
MAX_TOKENS = 128
Arrays = tuple[NDArray[np.float32], NDArray[np.float32]]


class Engine(Protocol):
    """Runs the merged encoder and the sentiment head on a batch of texts."""

    name: str

    def run(self, texts: Sequence[str]) -> Arrays:
        """Mean-pooled embeddings and sentiment logits, one row per text."""
        ...


def tokenizer(encoder_dir: Path) -> Tokenizer:
    """The encoder's fast tokenizer: truncate to MAX_TOKENS, pad to the batch's longest."""
    tok = Tokenizer.from_file(str(encoder_dir / "tokenizer.json"))
    tok.enable_truncation(MAX_TOKENS)
    tok.enable_padding(pad_id=0, pad_token="[PAD]")
    return tok


def encode(tok: Tokenizer, texts: Sequence[str]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Token ids and attention mask as int64 arrays."""
    batch = tok.encode_batch(list(texts))
    ids = np.array([e.ids for e in batch], dtype=np.int64)
    mask = np.array([e.attention_mask for e in batch], dtype=np.int64)
    return ids, mask


class OnnxEngine:
    """ONNX Runtime on the CPU with the per-channel int8 model."""

    def __init__(self, model: Path, tok: Tokenizer, threads: int = 0) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(
            str(model), options, providers=["CPUExecutionProvider"]
        )
        self._tok = tok
        self.name = "onnx-int8"

    def run(self, texts: Sequence[str]) -> Arrays:
        """Tokenize and run the session."""
        ids, mask = encode(self._tok, texts)
        embedding, logits = self._session.run(None, {"input_ids": ids, "attention_mask": mask})
        return np.asarray(embedding, np.float32), np.asarray(logits, np.float32)


class TorchEngine:
    """The merged network in PyTorch (fp32): the fallback and the reference."""

    def __init__(self, encoder_dir: Path, weights_dir: Path, tok: Tokenizer) -> None:
        from models.classifier.sentiment_net import serving_net

        self._net = serving_net(encoder_dir, weights_dir)
        self._tok = tok
        self.name = "torch-fp32"

    def run(self, texts: Sequence[str]) -> Arrays:
        """Tokenize and run the network."""
        import torch

        ids, mask = encode(self._tok, texts)
        with torch.inference_mode():
            embedding, logits = self._net(torch.from_numpy(ids), torch.from_numpy(mask))
        return embedding.numpy(), logits.numpy()


def build_engine(
    encoder_dir: Path, weights_dir: Path, cache_dir: Path, tag: str, kind: str
) -> Engine:
    """The ONNX engine when kind is onnx or auto and it builds; otherwise torch."""
    tok = tokenizer(encoder_dir)
    if kind in ("onnx", "auto"):
        try:
            return OnnxEngine(ensure_onnx(encoder_dir, weights_dir, cache_dir, tag), tok)
        except Exception as exc:
            if kind == "onnx":
                raise
            log.warning("ONNX engine unavailable (%s); using torch", exc)
    return TorchEngine(encoder_dir, weights_dir, tok)
