"""The network alone on this CPU: what the ONNX session does with nothing around it.

The classifier's wall-clock figures depend on the CPU far more than on the code (an AVX2-only
core runs the int8 network about 2.5 times slower than one with AVX-512 VNNI), so the
benchmark measures this ceiling in the same run and prints the classifier's share of it, as
``bench/votes.py`` does with bolt's floor.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from models.classifier.artifacts import ADAPTER_FILE
from models.classifier.backend import onnx_session, pad, tokenizer
from models.classifier.encoder import encoder_path, file_hash, model_tag
from models.classifier.onnx_export import onnx_path

if TYPE_CHECKING:
    from onnxruntime import InferenceSession

BATCH = 4
"""Texts a run in the throughput ceiling (sorted by length first, so hardly any padding)."""


@dataclass(frozen=True, slots=True)
class Ceiling:
    """Messages a second with one run per core side by side, and one text's latency (ms)."""

    per_s: float
    single_p50_ms: float
    single_p99_ms: float


def onnx_model(cache_dir: Path, weights_dir: Path) -> Path | None:
    """The int8 model the classifier serves from this cache, if it has been built."""
    tag = model_tag(encoder_path(), file_hash(weights_dir / ADAPTER_FILE))
    path = onnx_path(cache_dir, tag)
    return path if path.is_file() else None


def measure(model: Path, texts: Sequence[str], *, cores: int, threads: int) -> Ceiling:
    """Tokenize beforehand, then time the bare session: ``cores`` runs side by side (one
    intra-op thread each) over length-sorted batches, and one text per run on ``threads``."""
    rows = sorted((e.ids for e in tokenizer(encoder_path()).encode_batch(list(texts))), key=len)

    def run(s: InferenceSession, part: Sequence[Sequence[int]], size: int) -> list[float]:
        took = []
        for start in range(0, len(part), size):
            ids, mask = pad(part[start : start + size])
            t0 = time.perf_counter()
            s.run(None, {"input_ids": ids, "attention_mask": mask})
            took.append((time.perf_counter() - t0) * 1000)
        return took

    one = onnx_session(model, 1)
    run(one, rows[:20], 1)
    workers = [
        threading.Thread(target=run, args=(one, rows[k::cores], BATCH)) for k in range(cores)
    ]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    rate = len(rows) / (time.perf_counter() - started)
    lone = onnx_session(model, threads)
    run(lone, rows[:20], 1)
    latencies = np.array(run(lone, rows, 1))
    return Ceiling(rate, float(np.percentile(latencies, 50)), float(np.percentile(latencies, 99)))
