"""Grouping a week's message embeddings into themes with scikit-learn: average-linkage
agglomerative clustering on cosine distance, cut at a distance threshold (no number of themes
to guess). Over ``direct`` messages it first condenses them into MiniBatchKMeans centroids and
clusters those, so a busy week stays a few seconds on two cores. Pure (CPU-bound: run it off
the event loop)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sklearn.cluster import AgglomerativeClustering, MiniBatchKMeans

from models.store.themes.types import Vector

Labels = NDArray[np.int64]


@dataclass(frozen=True)
class Grouping:
    """``threshold``: the cosine distance (1 - similarity) under which groups join, on
    average; ``min_size``: fewer messages than this are no theme; ``direct``: up to this many
    messages are clustered as they are, above it through ``per_centroid`` messages a centroid;
    ``member_floor``: a message less cosine-similar than this to its group's centroid is in
    none (a condensed cell of unrelated messages is no theme)."""

    threshold: float = 0.65
    min_size: int = 5
    direct: int = 2000
    per_centroid: int = 20
    member_floor: float = 0.4


def group(vectors: Vector, grouping: Grouping) -> Labels:
    """One label per row: 0, 1, ... for themes, largest first; -1 for messages in none."""
    n = len(vectors)
    if n < max(grouping.min_size, 2):
        return np.full(n, -1, dtype=np.int64)
    if n <= grouping.direct:
        raw = _agglomerate(vectors, grouping.threshold)
    else:
        k = min(n // grouping.per_centroid, grouping.direct)
        kmeans = MiniBatchKMeans(
            n_clusters=k, random_state=0, n_init=1, batch_size=4096, init="random"
        )
        fine = kmeans.fit_predict(vectors)
        centres = kmeans.cluster_centers_
        centres = centres / np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-9)
        raw = _agglomerate(centres.astype(np.float32), grouping.threshold)[fine]
    return _by_size(_near_only(vectors, raw, grouping.member_floor), grouping.min_size)


def _near_only(vectors: Vector, raw: Labels, floor: float) -> Labels:
    """Labels with the members far from their group's centroid taken out (-1)."""
    out = raw.copy()
    for value in np.unique(raw):
        members = np.flatnonzero(raw == value)
        centre = vectors[members].mean(axis=0)
        centre /= max(float(np.linalg.norm(centre)), 1e-9)
        out[members[vectors[members] @ centre < floor]] = -1
    return out


def _agglomerate(vectors: Vector, threshold: float) -> Labels:
    model = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=threshold
    )
    return np.asarray(model.fit_predict(vectors), dtype=np.int64)


def _by_size(raw: Labels, min_size: int) -> Labels:
    """Relabel: clusters of at least ``min_size`` numbered largest first, the rest -1."""
    values, counts = np.unique(raw, return_counts=True)
    order = [int(v) for v, c in sorted(zip(values, counts, strict=True), key=lambda p: -p[1])]
    big = (o for o in order if o >= 0 and counts[values == o][0] >= min_size)
    kept = {v: i for i, v in enumerate(big)}
    return np.array([kept.get(int(r), -1) for r in raw], dtype=np.int64)
