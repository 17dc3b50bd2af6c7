"""Few-shot topic head: softmax regression on normalised embeddings, temperature-calibrated."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from models.classification import OTHER_TOPIC

FloatArray = NDArray[np.float32]
TEMPERATURES = np.exp(np.linspace(np.log(0.05), np.log(20.0), 120))


@dataclass(frozen=True, slots=True)
class TopicHead:
    """Weights, temperature and threshold; the labels may include other."""

    labels: tuple[str, ...]
    weight: FloatArray
    bias: FloatArray
    temperature: float
    threshold: float
    meta: dict[str, Any]

    def probabilities(self, embeddings: FloatArray) -> FloatArray:
        """Calibrated class probabilities for each embedding."""
        return softmax(logits(normalise(embeddings), self.weight, self.bias) / self.temperature)

    def predict(self, embeddings: FloatArray) -> list[tuple[str, float]]:
        """(topic, confidence) per embedding; below the threshold the topic is other."""
        probs = self.probabilities(embeddings)
        best = np.argmax(probs, axis=1)
        return [self._decide(int(i), float(p[i])) for i, p in zip(best, probs, strict=True)]

    def _decide(self, index: int, confidence: float) -> tuple[str, float]:
        """Keep the label only when it is confident enough."""
        label = self.labels[index] if confidence >= self.threshold else OTHER_TOPIC
        return label, confidence


def normalise(x: FloatArray) -> FloatArray:
    """Rows scaled to unit length."""
    scaled: FloatArray = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-9)
    return scaled


def logits(x: FloatArray, weight: FloatArray, bias: FloatArray) -> FloatArray:
    """Affine scores."""
    return (x @ weight.T + bias).astype(np.float32)


def softmax(z: FloatArray) -> FloatArray:
    """Row-wise softmax."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    probs: FloatArray = (e / e.sum(axis=1, keepdims=True)).astype(np.float32)
    return probs


def fit_softmax(
    x: FloatArray, y: NDArray[np.int64], n: int, l2: float = 3e-5
) -> tuple[FloatArray, FloatArray]:
    """Multinomial logistic regression with L2, fitted with L-BFGS."""
    import torch

    xs, ys = torch.from_numpy(normalise(x)), torch.from_numpy(y)
    w = torch.zeros((n, x.shape[1]), requires_grad=True)
    b = torch.zeros(n, requires_grad=True)
    opt = torch.optim.LBFGS([w, b], max_iter=300, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(xs @ w.T + b, ys) + l2 * (w * w).sum()
        loss.backward()  # type: ignore[no-untyped-call]
        return loss

    opt.step(closure)  # type: ignore[no-untyped-call]
    return w.detach().numpy(), b.detach().numpy()


def out_of_fold_logits(
    x: FloatArray, y: NDArray[np.int64], n: int, folds: int = 5, seed: int = 0
) -> FloatArray:
    """Logits for each example from a head that did not see it (stratified k-fold)."""
    rng = np.random.default_rng(seed)
    fold = np.zeros(len(y), dtype=np.int64)
    for c in range(n):
        members = rng.permutation(np.flatnonzero(y == c))
        fold[members] = np.arange(len(members)) % folds
    out = np.zeros((len(y), n), dtype=np.float32)
    for k in range(folds):
        w, b = fit_softmax(x[fold != k], y[fold != k], n)
        out[fold == k] = logits(normalise(x[fold == k]), w, b)
    return out


def fit_temperature(z: FloatArray, y: NDArray[np.int64]) -> float:
    """The temperature that minimises held-out negative log-likelihood."""
    nll = [_nll(z / t, y) for t in TEMPERATURES]
    return float(TEMPERATURES[int(np.argmin(nll))])


def _nll(z: FloatArray, y: NDArray[np.int64]) -> float:
    """Mean negative log-likelihood of the gold labels."""
    p = softmax(z)[np.arange(len(y)), y]
    return float(-np.mean(np.log(np.maximum(p, 1e-12))))


def save_head(head: TopicHead, path: Path) -> None:
    """Write the head as .npz (arrays) beside .json (labels, temperature, metadata)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path.with_suffix(".npz"), weight=head.weight, bias=head.bias)
    info = {
        "labels": list(head.labels),
        "temperature": head.temperature,
        "threshold": head.threshold,
        "meta": head.meta,
    }
    path.with_suffix(".json").write_text(json.dumps(info, indent=2) + "\n")


def load_head(path: Path) -> TopicHead | None:
    """The saved head, or None when there is none."""
    if not path.with_suffix(".json").is_file() or not path.with_suffix(".npz").is_file():
        return None
    info = json.loads(path.with_suffix(".json").read_text())
    arrays = np.load(path.with_suffix(".npz"))
    return TopicHead(
        tuple(info["labels"]),
        arrays["weight"],
        arrays["bias"],
        float(info["temperature"]),
        float(info["threshold"]),
        info["meta"],
    )
