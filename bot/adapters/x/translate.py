"""Pure translation of X payloads (API v2 tweets and DM events, Account Activity webhooks)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from bot.adapters.payload import obj, objs, text
from bot.events import Address, Channel, ConversationKind, EventKind, InboundEvent, utcnow
from bot.storable import storable

Payload = Mapping[str, Any]
_LEADING_MENTIONS = re.compile(r"^(?:@\w+\s+)+")
_ONE_TO_ONE = re.compile(r"^\d+-\d+$")


def parse_time(value: object) -> datetime:
    """An API v2 ISO time, a v1.1 ``created_at``, or a millisecond timestamp; now if absent or
    unreadable. A time without a zone is UTC."""
    if not isinstance(value, str) or not value:
        return utcnow()
    try:
        if value.isdigit():
            return datetime.fromtimestamp(int(value) / 1000, UTC)
        return _aware(datetime.fromisoformat(value))
    except (ValueError, OverflowError, OSError):
        pass
    try:
        return datetime.strptime(value, "%a %b %d %H:%M:%S %z %Y")
    except ValueError:
        return utcnow()


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def strip_reply_prefix(text: str) -> str:
    """The tweet text without the run of @handles X prepends to replies."""
    stripped = _LEADING_MENTIONS.sub("", text)
    return stripped or text


def one_to_one_id(a: str, b: str) -> str:
    """X's id of the 1-1 DM conversation between two users: lower id, dash, higher id."""
    low, high = sorted((a, b), key=lambda i: (len(i), i) if i.isdigit() else (0, i))
    return f"{low}-{high}"


def _frozen(values: dict[str, str]) -> Mapping[str, str]:
    return MappingProxyType(values)


def public_address(conversation_id: str, author_id: str, username: str = "") -> Address:
    """Where a reply to a public mention goes: one person's part of a public conversation.

    ``thread`` is the author, so each person in a busy public thread has their own conversation
    and the @username kept in ``extra`` is always theirs.
    """
    extra = {"author_id": author_id, "username": username} if username else {"author_id": author_id}
    return Address(
        channel=Channel.X,
        chat=conversation_id,
        thread=author_id,
        kind=ConversationKind.PUBLIC,
        extra=_frozen(extra),
    )


def dm_address(conversation_id: str, sender_id: str) -> Address:
    """Where a reply to a DM goes: 1-1 by participant id, a group by conversation id."""
    if _ONE_TO_ONE.match(conversation_id):
        extra = {"participant_id": sender_id}
        return Address(
            Channel.X, conversation_id, kind=ConversationKind.DIRECT, extra=_frozen(extra)
        )
    extra = {"sender_id": sender_id}
    return Address(Channel.X, conversation_id, kind=ConversationKind.GROUP, extra=_frozen(extra))


def _is_retweet(tweet: Payload) -> bool:
    return any(ref.get("type") == "retweeted" for ref in objs(tweet.get("referenced_tweets")))


def tweet_to_event(
    tweet: Payload, *, me: str, usernames: Mapping[str, str] | None = None
) -> InboundEvent | None:
    """An API v2 tweet that mentions the bot → MESSAGE (EDIT for a later version); None to skip."""
    author, tweet_id = text(tweet.get("author_id")), text(tweet.get("id"))
    if not author or not tweet_id or author == me or _is_retweet(tweet):
        return None
    history = [text(i) for i in _list(tweet.get("edit_history_tweet_ids"))] or [tweet_id]
    username = (usernames or {}).get(author, "")
    conversation = text(tweet.get("conversation_id")) or tweet_id
    return storable(
        InboundEvent(
            channel=Channel.X,
            platform_id=tweet_id,
            kind=EventKind.EDIT if history[0] != tweet_id else EventKind.MESSAGE,
            sender=author,
            sender_handle=username,
            address=public_address(conversation, author, username),
            text=strip_reply_prefix(text(tweet.get("text"))),
            sender_name=username,
            reply_ref=tweet_id,
            replies_to=_replied_to(tweet),
            occurred_at=parse_time(tweet.get("created_at")),
        )
    )


def _replied_to(tweet: Payload) -> str:
    """The id of the tweet this one replies to ("" when none)."""
    refs = objs(tweet.get("referenced_tweets"))
    return next((text(r.get("id")) for r in refs if r.get("type") == "replied_to"), "")


def _list(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else []


def dm_to_event(event: Payload, *, me: str) -> InboundEvent | None:
    """An API v2 DM event → MESSAGE; None for the bot's own DMs and non-message events."""
    sender, event_id = text(event.get("sender_id")), text(event.get("id"))
    if event.get("event_type") != "MessageCreate" or not sender or not event_id or sender == me:
        return None
    conversation = text(event.get("dm_conversation_id")) or one_to_one_id(me, sender)
    return storable(
        InboundEvent(
            channel=Channel.X,
            platform_id=event_id,
            kind=EventKind.MESSAGE,
            sender=sender,
            address=dm_address(conversation, sender),
            text=text(event.get("text")),
            reply_ref=event_id,
            occurred_at=parse_time(event.get("created_at")),
        )
    )


def to_event(
    payload: Payload, *, me: str, usernames: Mapping[str, str] | None = None
) -> InboundEvent | None:
    """One API v2 item (a tweet, or a DM event when it has ``event_type``) → event or None."""
    if "event_type" in payload:
        return dm_to_event(payload, me=me)
    return tweet_to_event(payload, me=me, usernames=usernames)


def usernames_of(includes: Payload | None) -> dict[str, str]:
    """user id → @username from a v2 response's ``includes.users``."""
    users = objs(obj(includes).get("users"))
    return {text(u.get("id")): text(u.get("username")) for u in users if text(u.get("id"))}


def v1_tweet_to_event(tweet: Payload, *, me: str) -> InboundEvent | None:
    """An Account Activity ``tweet_create_events`` item (v1.1 tweet) → event; None to skip."""
    user = obj(tweet.get("user"))
    author, tweet_id = text(user.get("id_str")), text(tweet.get("id_str"))
    if not author or not tweet_id or author == me or "retweeted_status" in tweet:
        return None
    body = text(obj(tweet.get("extended_tweet")).get("full_text")) or text(tweet.get("text"))
    conversation = text(tweet.get("in_reply_to_status_id_str")) or tweet_id
    username = text(user.get("screen_name"))
    return storable(
        InboundEvent(
            channel=Channel.X,
            platform_id=tweet_id,
            kind=EventKind.MESSAGE,
            sender=author,
            sender_handle=username,
            address=public_address(conversation, author, username),
            text=strip_reply_prefix(body),
            sender_name=username,
            reply_ref=tweet_id,
            occurred_at=parse_time(tweet.get("created_at")),
        )
    )


def v1_dm_to_event(event: Payload, *, me: str, users: Payload) -> InboundEvent | None:
    """An Account Activity ``direct_message_events`` item → event; None for ours or non-messages."""
    create = obj(event.get("message_create"))
    sender, event_id = text(create.get("sender_id")), text(event.get("id"))
    recipient = text(obj(create.get("target")).get("recipient_id")) or me
    if event.get("type") != "message_create" or not sender or not event_id or sender == me:
        return None
    return storable(
        InboundEvent(
            channel=Channel.X,
            platform_id=event_id,
            kind=EventKind.MESSAGE,
            sender=sender,
            address=dm_address(one_to_one_id(sender, recipient), sender),
            text=text(obj(create.get("message_data")).get("text")),
            sender_name=text(obj(obj(users).get(sender)).get("screen_name")),
            reply_ref=event_id,
            occurred_at=parse_time(event.get("created_timestamp")),
        )
    )


def webhook_events(payload: Payload) -> list[InboundEvent]:
    """All events of one Account Activity delivery, the bot's own left out."""
    payload = obj(payload)
    me, users = text(payload.get("for_user_id")), obj(payload.get("users"))
    found = [v1_tweet_to_event(t, me=me) for t in objs(payload.get("tweet_create_events"))]
    found += [
        v1_dm_to_event(d, me=me, users=users) for d in objs(payload.get("direct_message_events"))
    ]
    return [e for e in found if e is not None]
