"""The recent weeks' message embeddings, held in this process for the poll page's panel: loaded
once, then topped up by message id on each question, so a keystroke reads a few new rows from
the store and multiplies one float32 matrix (never a million vectors)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from numpy.typing import NDArray

from models.store import Store

WINDOW = timedelta(weeks=6)
MAX_ROWS = 100_000
"""At 384 float32 values a row, about 150 MiB at most; the newest rows are kept."""
REBUILD_EVERY = timedelta(minutes=30)
"""A full reload now and then picks up re-classified (re-embedded) and erased messages."""
BATCH = 20_000


@dataclass
class Block:
    """Rows read together: message ids, received times (epoch seconds), unit vectors."""

    ids: NDArray[np.int64]
    at: NDArray[np.float64]
    vectors: NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Match:
    """Messages at least as similar as asked: all their ids (most similar first) and scores."""

    ids: list[int]
    scores: list[float]


@dataclass
class RecentVectors:
    """Recent messages' embeddings in blocks; ``refresh`` before ``nearest``."""

    store: Store
    window: timedelta = WINDOW
    max_rows: int = MAX_ROWS
    rebuild_every: timedelta = REBUILD_EVERY
    _blocks: list[Block] = field(default_factory=list)
    _last_id: int = 0
    _built: datetime | None = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def rows(self) -> int:
        """Rows held now."""
        return sum(len(b.ids) for b in self._blocks)

    async def refresh(self, now: datetime) -> None:
        """Read the messages embedded since the last call (everything in the window at first,
        and again every ``rebuild_every``); drop what fell out of the window or the cap."""
        async with self._lock:
            if self._built is None or now - self._built >= self.rebuild_every:
                self._blocks, self._last_id, self._built = [], 0, now
            since = now - self.window
            while rows := await self.store.known.embeddings_after(
                since=since, after_id=self._last_id, limit=BATCH
            ):
                self._add(rows)
                if len(rows) < BATCH:
                    break
            self._trim(since)

    def _add(self, rows: list[tuple[int, datetime, bytes]]) -> None:
        self._last_id = rows[-1][0]
        width = self._width() or len(rows[0][2]) // 2
        kept = [r for r in rows if len(r[2]) == width * 2]  # another model's size: not comparable
        if not kept:
            return
        vectors = np.frombuffer(b"".join(r[2] for r in kept), dtype="<f2").reshape(len(kept), -1)
        self._blocks.append(
            Block(
                np.array([r[0] for r in kept], dtype=np.int64),
                np.array([r[1].timestamp() for r in kept], dtype=np.float64),
                vectors.astype(np.float32),
            )
        )

    def _width(self) -> int:
        return int(self._blocks[0].vectors.shape[1]) if self._blocks else 0

    def _trim(self, since: datetime) -> None:
        """Drop blocks wholly before ``since``, then the oldest blocks beyond the cap."""
        cutoff = since.timestamp()
        self._blocks = [b for b in self._blocks if len(b.at) and b.at.max() >= cutoff]
        while len(self._blocks) > 1 and self.rows > self.max_rows:
            self._blocks.pop(0)

    def nearest(self, vector: NDArray[np.float32], *, since: datetime, threshold: float) -> Match:
        """Messages received since ``since`` whose cosine with ``vector`` is ``threshold`` or
        more, most similar first (safe in a thread while a refresh adds blocks)."""
        blocks = list(self._blocks)
        if not blocks or vector.shape[0] != blocks[0].vectors.shape[1]:
            return Match([], [])
        cutoff, ids, scores = since.timestamp(), [], []
        for block in blocks:
            sims = block.vectors @ vector
            hit = (sims >= threshold) & (block.at >= cutoff)
            ids.append(block.ids[hit])
            scores.append(sims[hit])
        all_ids, all_scores = np.concatenate(ids), np.concatenate(scores)
        order = np.argsort(-all_scores, kind="stable")
        return Match(all_ids[order].tolist(), all_scores[order].astype(float).tolist())
