"""``store.polls``: polls, their posts, votes and reported counts, keyword-only."""

from __future__ import annotations

from datetime import datetime, timedelta

from models.store.inbound import record as inbound
from models.store.polls import definitions as polls
from models.store.polls import personal, votes
from models.store.polls import posts as poll_posts
from models.store.polls.definitions import PollView, Target
from models.store.polls.personal import QuestionSummary
from models.store.polls.votes import Cast, Choose
from models.store.runner import Runner


class PollStore:
    """Poll definitions and schedules (durable writes), votes and posts (derived work)."""

    def __init__(self, *, durable: Runner, derived: Runner, key: bytes) -> None:
        self._ingest = durable
        self._db = derived
        self._key = key

    async def create(
        self,
        *,
        targets: list[Target],
        options: list[tuple[str, str]],
        question: str,
        kind: str,
        status: str = "draft",
        follow_up: str = "",
        anonymous: bool = False,
        live_results: bool = False,
        post_results: bool = False,
        opens_at: datetime | None = None,
        closes_at: datetime | None = None,
        repeat_days: int | None = None,
        even_in_quiet: bool = False,
        author: str = "",
    ) -> int:
        """Store a new poll and its targets; returns its id (audited as ``author`` if given)."""
        return await self._ingest.write(
            polls.create,
            targets=targets,
            options=options,
            question=question,
            kind=kind,
            status=status,
            follow_up=follow_up,
            anonymous=anonymous,
            live_results=live_results,
            post_results=post_results,
            opens_at=opens_at,
            closes_at=closes_at,
            repeat_days=repeat_days,
            even_in_quiet=even_in_quiet,
            author=author,
        )

    async def get(self, *, poll_id: int) -> PollView | None:
        """One poll, if it exists."""
        return await self._db.read(polls.get, poll_id)

    async def all(self, *, personal: bool = False) -> list[PollView]:
        """Every poll, newest first; the per-person questions only if ``personal``."""
        return await self._db.read(polls.all_polls, personal=personal)

    async def question_summaries(self) -> list[QuestionSummary]:
        """One summary per per-person question ever asked (consent, group, satisfaction)."""
        return await self._db.read(personal.summaries)

    async def set_status(self, *, poll_id: int, status: str) -> None:
        """Open or close a poll."""
        await self._ingest.write(polls.set_status, poll_id, status)

    async def hold_until(self, *, poll_id: int, opens_at: datetime, author: str) -> bool:
        """Schedule a draft or scheduled poll to open at ``opens_at`` (a quiet period waited
        out); audited. False when it was neither."""
        return await self._ingest.write(polls.hold_until, poll_id, opens_at, author)

    async def due(self, *, now: datetime) -> tuple[list[int], list[int]]:
        """Polls due to open, and polls due to close."""
        return await self._db.read(polls.due, now=now)

    async def repeat(self, *, poll_id: int) -> int | None:
        """Schedule the next run of a recurring poll."""
        return await self._ingest.write(polls.repeat, poll_id)

    async def open_for(self, *, channel: str, chat: str = "") -> list[PollView]:
        """Open polls shown on a channel (to everyone, or also those for one ``chat``)."""
        return await self._db.read(polls.open_for, channel, chat)

    async def cast(self, *, message_ids: list[int], choose: Choose) -> list[Cast]:
        """Apply stored vote events to their polls, in one transaction; ``choose`` says what
        each vote means."""
        return await self._db.write(votes.cast_many, message_ids, choose)

    async def reply_to_vote(self, *, message_id: int, poll_id: int, keys: list[str]) -> None:
        """Record a numbered reply as a vote."""
        await self._db.write(votes.as_vote, message_id, poll_id=poll_id, keys=keys)

    async def ask_follow_ups(self, *, vote_ids: list[int]) -> set[int]:
        """Mark the votes whose follow-up question goes out now (once each)."""
        return await self._db.write(votes.ask_follow_ups, vote_ids)

    async def link_follow_ups(self, *, pairs: list[tuple[int, int]], window: timedelta) -> None:
        """Link each (contact, message) to that person's vote awaiting a follow-up answer."""
        await self._db.write(votes.link_follow_ups, pairs, window=window)

    async def votes(self, *, poll_id: int) -> list[tuple[str, list[str]]]:
        """(channel, options) for each current vote."""
        return await self._db.read(votes.tally, poll_id)

    async def web_origins(self, *, poll_id: int) -> list[str]:
        """The keyed hash of the address each current widget vote came from ("" if unknown)."""
        return await self._db.read(votes.web_origins, poll_id)

    async def follow_ups(self, *, poll_id: int) -> int:
        """Follow-up answers linked to the poll."""
        return await self._db.read(votes.follow_up_count, poll_id)

    async def vote_mark(self, *, poll_id: int) -> str:
        """Changes whenever the poll's votes change."""
        return await self._db.read(votes.vote_mark, poll_id)

    async def answers_of(self, *, channel: str, sender: str) -> dict[int, list[str]]:
        """A person's current poll answers (by their platform id), by poll id."""
        who = inbound.pseudonym(self._key, channel, sender)
        return await self._db.read(votes.votes_of, who)

    async def save_counts(self, *, poll_id: int, channel: str, counts: dict[str, int]) -> None:
        """Store a platform's reported counts for a poll (replacing the last reading)."""
        await self._db.write(poll_posts.save_aggregates, poll_id, channel, counts)

    async def counts(self, *, poll_id: int) -> dict[str, dict[str, int]]:
        """Reported counts by channel and option."""
        return await self._db.read(poll_posts.aggregates, poll_id)

    async def posts(
        self,
        *,
        channel: str,
        styles: tuple[str, ...] = ("buttons", "native"),
        poll_id: int | None = None,
        live: bool = False,
    ) -> list[tuple[int, str, str]]:
        """(poll id, chat, platform id) of poll posts on a channel answered in one of these
        styles, for open polls (or for this one poll); ``live``: only those showing live
        results."""
        return await self._db.read(
            poll_posts.posts, channel, styles=styles, poll_id=poll_id, live=live
        )

    async def native_posts(self, *, channel: str) -> list[tuple[int, str]]:
        """(poll id, platform id) of native polls posted on a channel for open polls."""
        return await self._db.read(poll_posts.native_posts, channel)

    async def posted_as(self, *, channel: str, platform_id: str) -> int | None:
        """The poll we posted as this platform message, if any."""
        return await self._db.read(poll_posts.posted_poll, channel, platform_id)
