"""Turning an OutboundMessage into X calls: reply tweets (threads when long), DMs, native polls."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from functools import partial
from typing import Any

import aiohttp
from tweepy.asynchronous import AsyncClient
from tweepy.errors import (
    BadRequest,
    Forbidden,
    NotFound,
    TooManyRequests,
    TweepyException,
    TwitterServerError,
    Unauthorized,
)

from bot.adapters.network import may_have_arrived
from bot.adapters.x.ratelimit import NO_RESET_WAIT_S, reset_wait
from bot.adapters.x.split import split_text, weighted_length
from bot.channel import Capabilities, SendError
from bot.events import ConversationKind, OutboundMessage, PollPost, utcnow

TWEET_LIMIT = 280
DM_LIMIT = 10_000
POLL_MINUTES = (5, 10_080)
DEFAULT_POLL_MINUTES = 1440
CAPABILITIES = Capabilities(
    max_text=TWEET_LIMIT,
    buttons=False,  # buttons degrade to numbered choices (``with_choices``)
    threads=True,
    native_polls=True,  # counts only: read back by tweet lookup
    max_poll_options=4,
    max_option_chars=25,
    votes_by_reply=True,
    public_feed=True,
    public_broadcast=True,
    send_rate=1000 / 86_400,  # direct messages: 1,000 a day per account
)
"""X's limits, in this one place: polls of 2 to 4 options of at most 25 characters."""
SHORT_WAIT_S = 5.0
"""The longest 429 reset wait done inside ``send``; longer ones go back to the outbox."""

Call = Callable[[], Awaitable[Any]]
_PERMANENT = (BadRequest, Unauthorized, Forbidden, NotFound)


def as_send_error(exc: BaseException, now: float) -> SendError:
    """The outbox's view of a failed X call: when to retry, that retrying is useless, or that
    X may have taken it (no answer after the request went out)."""
    if isinstance(exc, TooManyRequests):
        wait = reset_wait(exc, now)
        return SendError(
            "x: rate limited (429)", retry_after=NO_RESET_WAIT_S if wait is None else wait
        )
    if isinstance(exc, _PERMANENT):
        return SendError(f"x: rejected: {exc}", permanent=True)
    if isinstance(exc, TwitterServerError):
        return SendError(f"x: server error: {exc}")
    unknown = isinstance(exc, aiohttp.ClientError | TimeoutError) and may_have_arrived(exc)
    return SendError(f"x: {type(exc).__name__}: {exc}", unknown=unknown)


def with_choices(message: OutboundMessage) -> str:
    """The text, with buttons degraded to numbered choices (X has no buttons)."""
    if not message.buttons:
        return message.text
    lines = [f"{n}. {b.label}" for n, b in enumerate(message.buttons, start=1)]
    return message.text + "\n\nReply with a number:\n" + "\n".join(lines)


def addressed(message: OutboundMessage, text: str) -> str:
    """A public reply starts with the person's @username (X refuses identical replies otherwise)."""
    username = message.address.extra.get("username", "")
    if not username or not message.reply_ref or text.startswith(f"@{username}"):
        return text
    return f"@{username} {text}"


def poll_body(poll: PollPost, now: datetime) -> dict[str, Any]:
    """``create_tweet`` poll arguments: 2 to 4 options of at most 25 characters, and a duration
    that ends the X poll when ours closes (a day when ours has no closing time)."""
    most, chars = CAPABILITIES.max_poll_options, CAPABILITIES.max_option_chars
    labels = [label[:chars] for label in poll.options][:most]
    if len(labels) < 2:
        raise SendError("x: a poll needs at least two options", permanent=True)
    minutes = DEFAULT_POLL_MINUTES
    if poll.closes_at is not None:
        minutes = int((poll.closes_at - now).total_seconds() // 60)
    minutes = min(max(minutes, POLL_MINUTES[0]), POLL_MINUTES[1])
    return {"poll_options": labels, "poll_duration_minutes": minutes}


class Sender:
    """Sends through one AsyncClient; remembers a half-sent thread so a retry continues it."""

    def __init__(self, client: AsyncClient, *, short_wait_s: float = SHORT_WAIT_S) -> None:
        self._client = client
        self._short_wait_s = short_wait_s
        self._threads: dict[str, list[str]] = {}

    async def send(self, message: OutboundMessage) -> str:
        """Post the message; returns the id of the first tweet or DM event posted."""
        if message.poll is not None:
            return await self._thread(message, message.text, poll_body(message.poll, utcnow()))
        if message.address.kind in (ConversationKind.DIRECT, ConversationKind.GROUP):
            return await self._direct(message)
        return await self._thread(message, addressed(message, with_choices(message)), None)

    async def _thread(
        self, message: OutboundMessage, text: str, poll: dict[str, Any] | None
    ) -> str:
        """Reply tweets, each answering the one before; a poll rides on the last."""
        parts = split_text(text, TWEET_LIMIT, weighted_length)
        kind = "poll" if message.poll is not None else "text"
        seed = f"{message.address.chat}\0{message.reply_ref}\0{kind}\0{text}"
        key = hashlib.sha256(seed.encode()).hexdigest()
        posted = self._threads.setdefault(key, [])
        try:
            await self._post_parts(message, parts, posted, poll)
        finally:
            if not posted or len(posted) == len(parts):
                del self._threads[key]
        return posted[0]

    async def _post_parts(
        self,
        message: OutboundMessage,
        parts: list[str],
        posted: list[str],
        poll: dict[str, Any] | None,
    ) -> None:
        """Post the parts not yet posted, appending each new tweet id to ``posted``."""
        for index in range(len(posted), len(parts)):
            parent = posted[-1] if posted else (message.reply_ref or message.address.chat or None)
            extra = poll if poll is not None and index == len(parts) - 1 else {}
            call = partial(
                self._client.create_tweet,
                text=parts[index],
                in_reply_to_tweet_id=parent,
                user_auth=True,
                **extra,
            )
            posted.append(str((await self._call(call))["data"]["id"]))

    async def _direct(self, message: OutboundMessage) -> str:
        """One DM (several when over 10,000 characters) to the person or group."""
        participant = message.address.extra.get("participant_id")
        target: dict[str, str] = (
            {"participant_id": participant}
            if participant
            else {"dm_conversation_id": message.address.chat}
        )
        ids = []
        for part in split_text(with_choices(message), DM_LIMIT):
            call = partial(self._client.create_direct_message, text=part, user_auth=True, **target)
            ids.append(str((await self._call(call))["data"]["dm_event_id"]))
        return ids[0]

    async def _call(self, call: Call) -> Any:
        """Make the call; after a 429 with a short announced reset, wait and try once more."""
        try:
            return await call()
        except TooManyRequests as exc:
            wait = reset_wait(exc, time.time())
            if wait is None or wait > self._short_wait_s:
                raise as_send_error(exc, time.time()) from exc
            await asyncio.sleep(wait)
        except (TweepyException, aiohttp.ClientError, TimeoutError) as exc:
            raise as_send_error(exc, time.time()) from exc
        try:
            return await call()
        except (TweepyException, aiohttp.ClientError, TimeoutError) as exc:
            raise as_send_error(exc, time.time()) from exc
