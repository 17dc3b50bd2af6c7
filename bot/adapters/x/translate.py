"""Pure translation of X payloads (API v2 tweets and DM events, Account Activity webhooks)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from bot.events import Address, Channel, ConversationKind, EventKind, InboundEvent, utcnow

Payload = Mapping[str, Any]
_LEADING_MENTIONS = re.compile(r"^(?:@\w+\s+)+")
_ONE_TO_ONE = re.compile(r"^\d+-\d+$")


def parse_time(value: object) -> datetime:
    """An API v2 ISO time, a v1.1 ``created_at``, or a millisecond timestamp; now if absent."""
    if isinstance(value, str) and value:
        if value.isdigit():
            return datetime.fromtimestamp(int(value) / 1000, UTC)
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return datetime.strptime(value, "%a %b %d %H:%M:%S %z %Y")
    return utcnow()


def strip_reply_prefix(text: str) -> str:
    """The tweet text without the run of @handles X prepends to replies."""
    stripped = _LEADING_MENTIONS.sub("", text)
    return stripped or text


def one_to_one_id(a: str, b: str) -> str:
    """X's id of the 1-1 DM conversation between two users: lower id, dash, higher id."""
    low, high = sorted((a, b), key=int)
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
    refs = tweet.get("referenced_tweets") or ()
    return any(ref.get("type") == "retweeted" for ref in refs)


def tweet_to_event(
    tweet: Payload, *, me: str, usernames: Mapping[str, str] | None = None
) -> InboundEvent | None:
    """An API v2 tweet that mentions the bot → MESSAGE (EDIT for a later version); None to skip."""
    author = str(tweet.get("author_id") or "")
    if not author or author == me or _is_retweet(tweet):
        return None
    tweet_id = str(tweet["id"])
    history = [str(i) for i in tweet.get("edit_history_tweet_ids") or (tweet_id,)]
    username = (usernames or {}).get(author, "")
    conversation = str(tweet.get("conversation_id") or tweet_id)
    return InboundEvent(
        channel=Channel.X,
        platform_id=tweet_id,
        kind=EventKind.EDIT if history[0] != tweet_id else EventKind.MESSAGE,
        sender=author,
        address=public_address(conversation, author, username),
        text=strip_reply_prefix(str(tweet.get("text", ""))),
        sender_name=username,
        reply_ref=tweet_id,
        occurred_at=parse_time(tweet.get("created_at")),
    )


def dm_to_event(event: Payload, *, me: str) -> InboundEvent | None:
    """An API v2 DM event → MESSAGE; None for the bot's own DMs and non-message events."""
    sender = str(event.get("sender_id") or "")
    if event.get("event_type") != "MessageCreate" or not sender or sender == me:
        return None
    conversation = str(event.get("dm_conversation_id") or one_to_one_id(me, sender))
    return InboundEvent(
        channel=Channel.X,
        platform_id=str(event["id"]),
        kind=EventKind.MESSAGE,
        sender=sender,
        address=dm_address(conversation, sender),
        text=str(event.get("text", "")),
        reply_ref=str(event["id"]),
        occurred_at=parse_time(event.get("created_at")),
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
    users = (includes or {}).get("users") or ()
    return {str(u["id"]): str(u.get("username", "")) for u in users}


def v1_tweet_to_event(tweet: Payload, *, me: str) -> InboundEvent | None:
    """An Account Activity ``tweet_create_events`` item (v1.1 tweet) → event; None to skip."""
    user = tweet.get("user") or {}
    author = str(user.get("id_str") or "")
    if not author or author == me or "retweeted_status" in tweet:
        return None
    tweet_id = str(tweet["id_str"])
    text = (tweet.get("extended_tweet") or {}).get("full_text") or tweet.get("text", "")
    conversation = tweet.get("in_reply_to_status_id_str") or tweet_id
    username = str(user.get("screen_name", ""))
    return InboundEvent(
        channel=Channel.X,
        platform_id=tweet_id,
        kind=EventKind.MESSAGE,
        sender=author,
        address=public_address(str(conversation), author, username),
        text=strip_reply_prefix(str(text)),
        sender_name=username,
        reply_ref=tweet_id,
        occurred_at=parse_time(tweet.get("created_at")),
    )


def v1_dm_to_event(event: Payload, *, me: str, users: Payload) -> InboundEvent | None:
    """An Account Activity ``direct_message_events`` item → event; None for ours or non-messages."""
    create = event.get("message_create") or {}
    sender = str(create.get("sender_id") or "")
    recipient = str((create.get("target") or {}).get("recipient_id") or me)
    if event.get("type") != "message_create" or not sender or sender == me:
        return None
    name = (users.get(sender) or {}).get("screen_name", "")
    return InboundEvent(
        channel=Channel.X,
        platform_id=str(event["id"]),
        kind=EventKind.MESSAGE,
        sender=sender,
        address=dm_address(one_to_one_id(sender, recipient), sender),
        text=str((create.get("message_data") or {}).get("text", "")),
        sender_name=str(name),
        reply_ref=str(event["id"]),
        occurred_at=parse_time(event.get("created_timestamp")),
    )


def webhook_events(payload: Payload) -> list[InboundEvent]:
    """All events of one Account Activity delivery, the bot's own left out."""
    me = str(payload.get("for_user_id") or "")
    users = payload.get("users") or {}
    found = [v1_tweet_to_event(t, me=me) for t in payload.get("tweet_create_events") or ()]
    found += [
        v1_dm_to_event(d, me=me, users=users) for d in payload.get("direct_message_events") or ()
    ]
    return [e for e in found if e is not None]
