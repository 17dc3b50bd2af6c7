"""A week's themes computed from the stored embeddings (the encoder never runs again): grouped,
matched to the themes of earlier weeks by centroid, labelled, with trend, sentiment mix and
quotes, and stored."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from handlers.digest.week import IsoWeek
from handlers.themes.cluster import Grouping, group
from handlers.themes.label import labels
from handlers.themes.trend import trend
from models.store import Store
from models.store.themes.types import Cluster, Known, Run, Vector


@dataclass(frozen=True)
class ThemeSettings:
    """How themes are found: the grouping, the centroid similarity at which a cluster
    continues an earlier theme, how many weeks are looked back on, how many quotes, how old a
    week in progress's themes may be before they are computed again."""

    grouping: Grouping = field(default_factory=Grouping)
    match: float = 0.8
    lookback: int = 8
    quotes: int = 3
    fresh: timedelta = timedelta(minutes=15)


class ThemeBuilder:
    """Computes and stores a week's themes."""

    def __init__(self, store: Store, zone: ZoneInfo, settings: ThemeSettings | None = None) -> None:
        self.store = store
        self.zone = zone
        self.settings = settings or ThemeSettings()

    async def ensure(self, week: IsoWeek, now: datetime) -> Run:
        """The week's themes, computed now when missing or when the messages they would read
        changed (more arrived, or were classified late, or were erased); for a week still in
        progress at most once per ``fresh``."""
        run = await self.store.themes.run_of(week=str(week))
        if run is None:
            return await self.compute(week, now)
        if not run.complete and now - run.computed_at < self.settings.fresh:
            return run
        start, end = week.start(self.zone), week.end(self.zone)
        count = await self.store.themes.embedded_between(since=start, until=min(end, now))
        return run if count == run.messages else await self.compute(week, now)

    async def compute(self, week: IsoWeek, now: datetime) -> Run:
        """Compute and store the week's themes (up to ``now`` for a week in progress)."""
        start, end = week.start(self.zone), week.end(self.zone)
        until = min(end, now)
        ids, vectors = await self.store.embeddings.received_between(since=start, until=until)
        found = await asyncio.to_thread(group, vectors, self.settings.grouping)
        members = [np.flatnonzero(found == k) for k in range(int(found.max(initial=-1)) + 1)]
        members = [m for m in members if len(m)]
        clustered = [ids[i] for m in members for i in m]
        texts = await self.store.themes.texts(message_ids=clustered)
        moods = await self.store.themes.sentiments(message_ids=clustered)
        earlier = [str(week.shifted(-back)) for back in range(1, self.settings.lookback + 1)]
        known = await self.store.themes.known(weeks=earlier, week=str(week))
        centroids = [_unit(vectors[m].mean(axis=0)) for m in members]
        matched = _match(centroids, known, self.settings.match)
        names = labels([[texts.get(ids[i], "") for i in m] for m in members])
        elapsed = (until - start) / (end - start) if end > start else 1.0
        clusters = []
        for k, m in enumerate(members):
            mids = [ids[i] for i in m]
            index = matched[k]
            previous = known[index] if index is not None else None
            history = [previous.sizes.get(w, 0) for w in earlier] if previous else []
            clusters.append(
                Cluster(
                    theme_id=previous.id if previous else None,
                    centroid=centroids[k],
                    label=names[k],
                    trend=trend(len(m), history, elapsed=elapsed),
                    sentiment=_mix(moods.get(i, "unsure") for i in mids),
                    quotes=self._quotes(vectors[m], mids, centroids[k], texts),
                    message_ids=sorted(mids),
                )
            )
        run = Run(str(week), now, until, len(ids), complete=now >= end)
        await self.store.themes.save_week(week=str(week), clusters=clusters, run=run)
        return run

    def _quotes(
        self, vectors: Vector, mids: list[int], centroid: Vector, texts: dict[int, str]
    ) -> list[int]:
        """The messages nearest the centroid, one per distinct text."""
        chosen: list[int] = []
        seen: set[str] = set()
        for i in np.argsort(-(vectors @ centroid)):
            text = texts.get(mids[int(i)], "").strip().lower()
            if text and text not in seen:
                chosen.append(mids[int(i)])
                seen.add(text)
            if len(chosen) == self.settings.quotes:
                break
        return chosen


def _unit(vector: Vector) -> Vector:
    norm = float(np.linalg.norm(vector))
    return (vector / norm if norm else vector).astype(np.float32)


def _match(centroids: list[Vector], known: list[Known], floor: float) -> list[int | None]:
    """For each new centroid, the index of the known theme it continues: pairs taken most
    similar first, each side at most once, none under ``floor``."""
    out: list[int | None] = [None] * len(centroids)
    if not centroids or not known:
        return out
    sims = np.stack(centroids) @ np.stack([k.centroid for k in known]).T
    taken: set[int] = set()
    for flat in np.argsort(-sims, axis=None):
        row, col = divmod(int(flat), len(known))
        if sims[row, col] < floor:
            break
        if out[row] is None and col not in taken:
            out[row] = col
            taken.add(col)
    return out


def _mix(moods: object) -> dict[str, int]:
    counts: dict[str, int] = {}
    for mood in moods:  # type: ignore[attr-defined]
        counts[str(mood)] = counts.get(str(mood), 0) + 1
    return counts
