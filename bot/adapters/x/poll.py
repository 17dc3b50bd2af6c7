"""Polling mentions and DM events from the stored since_id cursors, as few reads as possible.

A cursor moves only after every event up to it has been handed to the sink (durably stored), so a
restart resumes with no gap; ids at or below the cursor are dropped here, and the store is unique on
the platform id, so a replay is never stored twice. Without a cursor (first start) only events
since ``baseline`` are taken (``start_time`` for mentions), so the bot does not answer a backlog of
old mentions, yet misses nothing that arrives after it first started.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from tweepy.asynchronous import AsyncClient

from bot.adapters.x.translate import (
    Payload,
    dm_to_event,
    parse_time,
    tweet_to_event,
    usernames_of,
)
from bot.channel import Cursors, EventSink
from bot.events import InboundEvent

log = logging.getLogger(__name__)
MENTIONS_CURSOR = "x.mentions.since_id"
DM_CURSOR = "x.dm.since_id"
TWEET_FIELDS = ["author_id", "conversation_id", "created_at", "referenced_tweets"]
DM_FIELDS = ["id", "text", "event_type", "dm_conversation_id", "created_at", "sender_id"]
PAGE_SIZE = 100
MENTION_PAGES = 8
"""The mentions timeline reaches back 800 tweets at most."""
DM_FIRST_PAGE = 5
"""Small: dm_events has no since_id, so every idle poll re-reads (and pays for) one page."""
DM_PAGES = 10
HANDOVER_BATCH = 200


def _newer(items: Iterable[Payload], since: str | None) -> list[Payload]:
    """Items with an id above ``since``, oldest first."""
    fresh = [i for i in items if since is None or int(i["id"]) > int(since)]
    return sorted(fresh, key=lambda i: int(i["id"]))


def _newest(items: Sequence[Payload], since: str | None) -> str | None:
    """The highest id among the items and the current cursor."""
    ids = [int(i["id"]) for i in items] + ([int(since)] if since else [])
    return str(max(ids)) if ids else None


class Poller:
    """Reads new mentions and DMs for the bot account and hands them to the sink."""

    def __init__(
        self,
        client: AsyncClient,
        cursors: Cursors,
        sink: EventSink,
        *,
        me: str,
        baseline: datetime,
    ) -> None:
        self._client = client
        self._cursors = cursors
        self._sink = sink
        self._me = me
        self._baseline = baseline

    async def poll(self) -> int:
        """One round: mentions, then DMs. Returns how many events went to the sink."""
        return await self.mentions() + await self.direct_messages()

    async def mentions(self) -> int:
        """New mentions since the cursor → sink, then the cursor moves."""
        since = await self._cursors.get(name=MENTIONS_CURSOR)
        tweets, users = await self._fetch_mentions(since)
        fresh = _newer(tweets, since)
        events = [tweet_to_event(t, me=self._me, usernames=users) for t in fresh]
        count = await self._store(events, first_run=since is None)
        await self._advance(MENTIONS_CURSOR, since, _newest(fresh, since))
        return count

    async def direct_messages(self) -> int:
        """New DM events since the cursor → sink, then the cursor moves."""
        since = await self._cursors.get(name=DM_CURSOR)
        fresh = _newer(await self._fetch_dms(since), since)
        events = [dm_to_event(e, me=self._me) for e in fresh]
        count = await self._store(events, first_run=since is None)
        await self._advance(DM_CURSOR, since, _newest(fresh, since))
        return count

    async def _fetch_mentions(self, since: str | None) -> tuple[list[Payload], dict[str, str]]:
        """Every page of mentions above ``since`` (without a cursor: since ``baseline``)."""
        tweets: list[Payload] = []
        users: dict[str, str] = {}
        token: str | None = None
        for _ in range(MENTION_PAGES):
            page = await self._client.get_users_mentions(
                self._me, pagination_token=token, **self._mention_params(since)
            )
            tweets += page.get("data") or []
            users.update(usernames_of(page.get("includes")))
            token = (page.get("meta") or {}).get("next_token")
            if not token:
                return tweets, users
        log.warning("x: over %d new mentions since the last poll; older ones skipped", len(tweets))
        return tweets, users

    def _mention_params(self, since: str | None) -> dict[str, Any]:
        """Fields, page size and lower bound for the mentions timeline."""
        bound: dict[str, Any] = {"since_id": since} if since else {"start_time": self._baseline}
        return {
            **bound,
            "user_auth": True,
            "max_results": PAGE_SIZE,
            "tweet_fields": TWEET_FIELDS,
            "expansions": ["author_id"],
            "user_fields": ["username"],
        }

    async def _fetch_dms(self, since: str | None) -> list[Payload]:
        """DM pages, newest first, until one reaches back past ``since`` or the baseline.

        dm_events takes no since_id, so an idle poll reads one small page; a busy one pages on.
        """
        found: list[Payload] = []
        token: str | None = None
        size = DM_FIRST_PAGE
        for _ in range(DM_PAGES):
            page = await self._client.get_direct_message_events(
                event_types="MessageCreate",
                dm_event_fields=DM_FIELDS,
                max_results=size,
                pagination_token=token,
                user_auth=True,
            )
            data = page.get("data") or []
            found += data
            token = (page.get("meta") or {}).get("next_token")
            if not token or self._reaches_back(data, since):
                return found
            size = PAGE_SIZE
        log.warning("x: over %d new DM events since the last poll; older ones skipped", len(found))
        return found

    def _reaches_back(self, page: Sequence[Payload], since: str | None) -> bool:
        """Whether a page (newest first) reaches what was seen before, or the baseline."""
        if not page:
            return True
        oldest = page[-1]
        if since is not None:
            return int(oldest["id"]) <= int(since)
        return parse_time(oldest.get("created_at")) < self._baseline

    async def _store(self, events: Iterable[InboundEvent | None], *, first_run: bool) -> int:
        """Hand the events to the sink together (one group commit); returns once all are stored."""
        kept = [
            e
            for e in events
            if e is not None and not (first_run and e.occurred_at < self._baseline)
        ]
        for start in range(0, len(kept), HANDOVER_BATCH):
            await asyncio.gather(*(self._sink(e) for e in kept[start : start + HANDOVER_BATCH]))
        return len(kept)

    async def _advance(self, name: str, since: str | None, newest: str | None) -> None:
        """Move a cursor forward (only ever forward)."""
        if newest is not None and newest != since:
            await self._cursors.set(name=name, value=newest)
