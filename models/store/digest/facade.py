"""``store.digest``: the digest's reads, keyword-only, each one query on a plain connection;
``store.digest.queue`` holds the queue's figures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from models.store.digest import behind as behind_list
from models.store.digest.behind import Behind, Listed
from models.store.digest.figures import (
    Quote,
    Window,
    cube,
    first_message_at,
    follow_up_texts,
    groups,
    polls_between,
    quotes,
    volume,
)
from models.store.digest.queue_figures import (
    CsatCounts,
    Durations,
    Span,
    TeamCounts,
    Waiting,
    counts,
    csat,
    durations,
    oldest_negative,
)
from models.store.digest.scores import (
    Scores,
    StaffWeek,
    Volume,
    period_volume,
    scores_between,
    staff_week,
    weekly_scores,
)
from models.store.runner import Runner


class QueueFigures:
    """The queue's reads for the digest (``store.digest.queue``), keyword-only."""

    def __init__(self, runner: Runner) -> None:
        self._db = runner

    async def counts(self, *, span: Span) -> list[TeamCounts]:
        """Items new, resolved, open and overdue per team."""
        return await self._db.read(counts, span)

    async def durations(self, *, span: Span, event: str) -> list[Durations]:
        """Median and 90th percentile time to first response or resolution, per team."""
        return await self._db.read(durations, span, event)

    async def csat(self, *, span: Span) -> list[CsatCounts]:
        """CSAT after resolve per team."""
        return await self._db.read(csat, span)

    async def oldest_negative(self, *, span: Span, limit: int = 5) -> list[Waiting]:
        """The longest-waiting negative items unresolved at the week's end."""
        return await self._db.read(oldest_negative, span, limit)


class ScoreFigures:
    """The reads of the digest's own sections (``store.digest.scores``), keyword-only."""

    def __init__(self, runner: Runner) -> None:
        self._db = runner

    async def weekly(self, *, starts: Sequence[datetime], end: datetime) -> list[Scores]:
        """CSAT and NPS answers per week, newest first."""
        return await self._db.read(weekly_scores, starts, end)

    async def between(self, *, start: datetime, end: datetime) -> dict[str, dict[str, int]]:
        """CSAT and NPS answers cast in a period."""
        return await self._db.read(scores_between, start, end)

    async def staff(self, *, span: Span) -> list[StaffWeek]:
        """Replies, first responses and CSAT per member of staff in a week."""
        return await self._db.read(staff_week, span)

    async def volume(self, *, start: datetime, end: datetime) -> Volume:
        """Messages and people in a period."""
        return await self._db.read(period_volume, start, end)


class DigestFigures:
    """The digest's reads, keyword-only, each one query on a plain connection."""

    def __init__(self, runner: Runner) -> None:
        self._db = runner
        self.queue = QueueFigures(runner)
        self.scores = ScoreFigures(runner)

    async def volume(self, *, window: Window, weeks: int) -> list[tuple[int, str, int, int]]:
        """Messages and people per week and channel."""
        return await self._db.read(volume, window, weeks)

    async def cube(self, *, window: Window, weeks: int) -> list[tuple[int, str, str, str, int]]:
        """Message counts per week, channel, topic and sentiment."""
        return await self._db.read(cube, window, weeks)

    async def quotes(
        self, *, window: Window, topics: Sequence[str], per_topic: int, confidence: float
    ) -> list[Quote]:
        """The newest week's most confident messages of some topics."""
        return await self._db.read(
            quotes, window, topics=topics, per_topic=per_topic, confidence=confidence
        )

    async def groups(
        self, *, window: Window, weeks: int, mapping: Mapping[str, str]
    ) -> list[tuple[int, str, int, int]]:
        """Messages and people per week and customer group."""
        return await self._db.read(groups, window, weeks, mapping)

    async def polls_between(self, *, start: datetime, end: datetime) -> list[int]:
        """Polls active in a period."""
        return await self._db.read(polls_between, start, end)

    async def first_message_at(self) -> datetime | None:
        """When the oldest inbound message was written."""
        return await self._db.read(first_message_at)

    async def behind_count(self, *, behind: Behind) -> int:
        """How many messages are behind a digest figure."""
        return await self._db.read(behind_list.count, behind)

    async def behind(self, *, behind: Behind, limit: int = 50, offset: int = 0) -> list[Listed]:
        """A page of the messages behind a digest figure, newest first."""
        return await self._db.read(behind_list.listing, behind, limit=limit, offset=offset)

    async def follow_up_texts(self, *, poll_id: int, limit: int = 3) -> list[tuple[int, str]]:
        """A poll's newest follow-up comments."""
        return await self._db.read(follow_up_texts, poll_id, limit=limit)
