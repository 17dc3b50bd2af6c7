"""What the store already knows about a poll's question, for the lead drafting it: earlier
polls on a similar question with their results, recent messages on the same subject with their
sentiment, related themes, and how many of the audience were asked something lately.

Meaning is compared with the classifier's sentence embeddings (``Embedder``); without one the
panel says it cannot compare meanings and still counts who was asked."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
from numpy.typing import NDArray

from handlers.digest.scrub import scrub
from handlers.inbox.roles import Actor, require
from handlers.polls.recent_vectors import RecentVectors
from handlers.polls.results import Results
from handlers.polls.service import results
from handlers.polls.theme_lookup import NoThemes, RelatedTheme, ThemeLookup
from models.classification import Embedder
from models.store import Store

ASKED_DAYS = 14
POLL_THRESHOLD = 0.6
MESSAGE_THRESHOLD = 0.35
"""Cosines of all-MiniLM-L6-v2 sentence embeddings, measured: two wordings of one poll
question 0.93, two library questions on different subjects 0.2-0.5; a question and a
complaint on its subject 0.33-0.53 ("How satisfied are you with the library's wifi?" and "wifi
is so slow in the reading room" 0.53), on another subject mostly below 0.35."""
SHOWN_POLLS = 3
QUOTES = 3
MAX_LISTED = 500
SENTIMENT_CAP = 5000
QUOTE_CHARS = 160


@dataclass(frozen=True, slots=True)
class EarlierPoll:
    """A poll asked before on a similar question, with its results now."""

    similarity: float
    asked_on: date | None
    results: Results


@dataclass(frozen=True, slots=True)
class Quote:
    """A related message: its id, scrubbed words, when and its sentiment."""

    message_id: int
    text: str
    received: datetime
    sentiment: str


@dataclass(frozen=True, slots=True)
class Related:
    """Recent messages (received since ``since``) on the subject: how many, the sentiment
    counts of the ``sentiment_of`` most similar (all of them, up to ``SENTIMENT_CAP``), and a
    few quotes."""

    count: int
    sentiments: dict[str, int]
    sentiment_of: int
    quotes: list[Quote]
    since: date


@dataclass(frozen=True, slots=True)
class Asked:
    """Of ``people`` known on the chosen channels, ``asked`` got a poll, CSAT question or
    message from the bot in the last ``days`` days."""

    asked: int
    people: int
    days: int = ASKED_DAYS


@dataclass(frozen=True, slots=True)
class Known:
    """The panel's contents for one question."""

    question: str
    can_compare: bool
    asked: Asked
    polls: list[EarlierPoll] = field(default_factory=list)
    related: Related | None = None
    themes: list[RelatedTheme] = field(default_factory=list)

    @property
    def anything(self) -> bool:
        """Whether any earlier poll, message or theme was found."""
        return bool(self.polls or self.themes or (self.related and self.related.count))


class Knowledge:
    """Answers "what do we already know about this question?" for leads."""

    def __init__(
        self,
        store: Store,
        embedder: Embedder | None,
        recent: RecentVectors,
        *,
        themes: ThemeLookup | None = None,
        poll_threshold: float = POLL_THRESHOLD,
        message_threshold: float = MESSAGE_THRESHOLD,
    ) -> None:
        self._store = store
        self._embedder = embedder
        self._recent = recent
        self._themes = themes or NoThemes()
        self._poll_at = poll_threshold
        self._message_at = message_threshold
        self._questions: dict[int, tuple[str, NDArray[np.float32]]] = {}
        """Poll questions' embeddings by poll id, computed once each (a question never changes)."""

    async def about(self, actor: Actor, question: str, channels: list[str], now: datetime) -> Known:
        """The panel for ``question`` sent to ``channels``; leads only."""
        require(actor, "poll")
        since = now - timedelta(days=ASKED_DAYS)
        asked = Asked(*await self._store.known.asked_on(channels=channels, since=since))
        text = question.strip()
        if self._embedder is None or not text:
            return Known(text, self._embedder is not None, asked)
        vector = (await self._embedder.embed([text]))[0]
        window = now - self._recent.window
        return Known(
            text,
            True,
            asked,
            polls=await self._earlier_polls(vector),
            related=await self._related(vector, now, window),
            themes=list(await self._themes.similar(vector, window))[:SHOWN_POLLS],
        )

    async def messages(self, actor: Actor, question: str, now: datetime) -> list[Quote]:
        """Every related message (up to ``MAX_LISTED``), most similar first: the panel's link."""
        require(actor, "poll")
        if self._embedder is None or not question.strip():
            return []
        vector = (await self._embedder.embed([question.strip()]))[0]
        ids = (await self._matching(vector, now))[:MAX_LISTED]
        moods = await self._store.known.sentiments(message_ids=ids)
        return await self._quotes([i for i in ids if i in moods], moods)

    async def _earlier_polls(self, vector: NDArray[np.float32]) -> list[EarlierPoll]:
        scored = [(s, i) for i, s in (await self._poll_scores(vector)).items()]
        found: list[EarlierPoll] = []
        for score, poll_id in sorted(scored, key=lambda p: (-p[0], -p[1])):
            if score < self._poll_at or len(found) == SHOWN_POLLS:
                break
            poll = await self._store.polls.get(poll_id=poll_id)
            if poll is not None:
                when = poll.opens_at or poll.created_at
                day = when.date() if when else None
                found.append(EarlierPoll(score, day, await results(self._store, poll_id)))
        return found

    async def _poll_scores(self, vector: NDArray[np.float32]) -> dict[int, float]:
        """Each poll's cosine with the question (poll questions embedded once, then cached)."""
        questions = await self._store.known.poll_questions()
        new = [(i, q) for i, q in questions if self._questions.get(i, ("", None))[0] != q]
        if new and self._embedder is not None:
            vectors = await self._embedder.embed([q for _, q in new])
            self._questions.update((i, (q, v)) for (i, q), v in zip(new, vectors, strict=True))
        return {
            i: float(self._questions[i][1] @ vector)
            for i, _ in questions
            if i in self._questions and self._questions[i][1].shape == vector.shape
        }

    async def _related(
        self, vector: NDArray[np.float32], now: datetime, since: datetime
    ) -> Related:
        ids = await self._matching(vector, now)
        moods = await self._store.known.sentiments(message_ids=ids[:SENTIMENT_CAP])
        live = [i for i in ids[:SENTIMENT_CAP] if i in moods]  # erased meanwhile: left out
        quotes = await self._quotes(live[:QUOTES], moods)
        count = len(live) + max(0, len(ids) - SENTIMENT_CAP)
        counted = Counter(moods.values())
        return Related(count, dict(counted), len(live), quotes, since.date())

    async def _matching(self, vector: NDArray[np.float32], now: datetime) -> list[int]:
        await self._recent.refresh(now)
        since, at_least = now - self._recent.window, self._message_at
        found = await asyncio.to_thread(
            self._recent.nearest, vector, since=since, threshold=at_least
        )
        return found.ids  # the product of up to 100,000 rows: off the event loop

    async def _quotes(self, ids: list[int], moods: dict[int, str]) -> list[Quote]:
        held = await self._store.known.texts(message_ids=ids)
        return [Quote(i, _excerpt(held[i][0]), held[i][1], moods[i]) for i in ids if i in held]


def _excerpt(text: str) -> str:
    """A person's words, scrubbed of identifiers, on one line, cut to a readable length."""
    line = " ".join(scrub(text).split())
    return line if len(line) <= QUOTE_CHARS else line[: QUOTE_CHARS - 1].rstrip() + "…"
