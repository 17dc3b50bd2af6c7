"""``store.themes``: a week's themes stored and read, topics made from them, themes near a
vector (for others: the poll page shows related themes), and the counts of focus areas."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from models.store.runner import Runner
from models.store.themes import focus, learned, queries
from models.store.themes.learned import TopicTaken
from models.store.themes.types import Cluster, Known, Run, Similar, ThemeLine, Vector

__all__ = ["ThemeStore", "TopicTaken"]


def iso_week(at: datetime) -> str:
    """The ISO week a time falls in (as the time is given), e.g. 2026-W49."""
    year, week, _ = at.isocalendar()
    return f"{year}-W{week:02d}"


class ThemeStore:
    """Themes by week, keyword-only; each call one short transaction."""

    def __init__(self, *, durable: Runner, derived: Runner) -> None:
        self._durable = durable
        self._db = derived

    async def run_of(self, *, week: str) -> Run | None:
        """When the week's themes were last computed, or None."""
        return await self._db.read(queries.run_of, week)

    async def embedded_between(self, *, since: datetime, until: datetime) -> int:
        """How many messages received in the span have an embedding."""
        return await self._db.read(queries.embedded_between, since, until)

    async def texts(self, *, message_ids: Sequence[int]) -> dict[int, str]:
        """The texts of these messages."""
        return await self._db.read(queries.texts, message_ids)

    async def messages(self, *, message_ids: Sequence[int]) -> list[tuple[int, str, datetime, str]]:
        """(id, channel, received at, text) of these messages, in id order."""
        return await self._db.read(queries.messages, message_ids)

    async def sentiments(self, *, message_ids: Sequence[int]) -> dict[int, str]:
        """Each message's sentiment (newest classification)."""
        return await self._db.read(queries.sentiments, message_ids)

    async def known(self, *, weeks: Sequence[str], week: str) -> list[Known]:
        """Themes a cluster of ``week`` may continue (seen in ``weeks`` or in ``week``)."""
        return await self._db.read(queries.known, weeks, week)

    async def save_week(
        self, *, week: str, clusters: Sequence[Cluster], run: Run
    ) -> dict[int, int]:
        """Replace the week's themes; cluster index → theme id."""
        return await self._db.write(queries.save_week, week, clusters, run)

    async def of_week(self, *, week: str) -> list[ThemeLine]:
        """The week's themes, largest first (none until computed)."""
        return await self._db.read(queries.week_themes, week)

    async def theme(self, *, theme_id: int, week: str | None = None) -> ThemeLine | None:
        """One theme in a week (None: its newest week)."""
        return await self._db.read(queries.theme_line, theme_id, week)

    async def message_ids(self, *, theme_id: int, week: str | None = None) -> list[int]:
        """Exactly the theme's messages (in one week, or all)."""
        return await self._db.read(queries.message_ids, theme_id, week)

    async def weeks_of(self, *, theme_id: int) -> list[tuple[str, int]]:
        """(week, size) of each week the theme was found in."""
        return await self._db.read(queries.weeks_of, theme_id)

    async def learned_topics(self) -> list[tuple[str, str]]:
        """(name, team) of the topics leads made from themes."""
        return await self._db.read(learned.learned_topics)

    async def label_theme(
        self,
        *,
        theme_id: int,
        topic: str,
        team: str | None,
        by: str,
        at: datetime,
        audit: dict[str, object],
    ) -> int:
        """Make the theme's messages examples of ``topic`` (new when ``team`` is given, else
        an existing one), audited in the same transaction; returns how many messages."""
        return await self._durable.write(
            learned.label_theme, theme_id, topic, team=team, by=by, at=at, audit=audit
        )

    async def exists(self, *, theme_id: int) -> bool:
        """Whether there is such a theme."""
        return await self._db.read(learned.theme_exists, theme_id)

    async def similar(
        self, *, vector: Vector, since: datetime, limit: int = 5, floor: float = 0.5
    ) -> list[Similar]:
        """Themes found since ``since`` (its ISO week on) whose centroid is at least ``floor``
        cosine-similar to ``vector`` (unit length, as ``Embedder.embed`` gives), nearest first,
        with size, sentiment mix and similarity."""
        return await self._db.read(learned.similar, vector, iso_week(since), limit, floor)

    async def topic_moods(self, *, since: datetime, until: datetime) -> focus.Counts:
        """Per topic: messages received in the span, and negative ones."""
        return await self._db.read(focus.topic_moods, since, until)

    async def theme_moods(self, *, first_week: str, last_week: str) -> dict[int, dict[str, int]]:
        """Per theme found in those weeks: messages and negative ones."""
        return await self._db.read(focus.theme_moods, first_week, last_week)

    async def theme_labels(self, *, theme_ids: list[int]) -> dict[int, tuple[str, str]]:
        """(label, status) of these themes."""
        return await self._db.read(focus.theme_labels, theme_ids)

    async def csat(self, *, since: datetime, until: datetime, low: int, by: str) -> focus.Counts:
        """CSAT answers in the span and low ones, ``by`` "topic" or "theme"."""
        fn = focus.csat_by_theme if by == "theme" else focus.csat_by_topic
        return await self._db.read(fn, since, until, low)
