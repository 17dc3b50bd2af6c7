"""Pure translation of Slack payloads (Events API envelopes, block_actions) into InboundEvents."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from bot.adapters.payload import obj, objs, text
from bot.adapters.slack.text import unescape
from bot.events import Address, Channel, ConversationKind, EventKind, InboundEvent, Vote
from bot.storable import storable

Payload = Mapping[str, Any]

USER_SUBTYPES = frozenset({"", "thread_broadcast", "file_share", "me_message"})
_CHANNEL_TYPES = {
    "im": ConversationKind.DIRECT,
    "mpim": ConversationKind.GROUP,
    "group": ConversationKind.GROUP,
    "channel": ConversationKind.PUBLIC,
}
_ID_PREFIXES = {"D": ConversationKind.DIRECT, "G": ConversationKind.GROUP}


def to_event(payload: Payload) -> InboundEvent | None:
    """Translate one Slack request body; None unless it is a customer's message, edit or vote.

    Every string of the event is made storable (Slack would redeliver a refused event forever).
    """
    event = _translate(obj(payload))
    return None if event is None else storable(event)


def _translate(payload: Payload) -> InboundEvent | None:
    if payload.get("type") == "event_callback":
        return _from_event(obj(payload.get("event")), _bot_user(payload))
    if payload.get("type") == "block_actions":
        return _from_block_actions(payload)
    return None


def conversation_kind(channel_id: str, channel_type: str = "") -> ConversationKind:
    """DM, group or channel, from the event's channel_type or else the channel id's prefix."""
    if channel_type in _CHANNEL_TYPES:
        return _CHANNEL_TYPES[channel_type]
    return _ID_PREFIXES.get(channel_id[:1], ConversationKind.PUBLIC)


def _bot_user(payload: Payload) -> str:
    """The bot's own user id, from the envelope's authorizations (to strip a leading mention)."""
    for authorization in objs(payload.get("authorizations")):
        if authorization.get("is_bot"):
            return text(authorization.get("user_id"))
    return ""


def _from_event(event: Payload, bot_user: str) -> InboundEvent | None:
    """A message or app_mention event; edits become EDIT; other subtypes and bots are ignored."""
    if text(event.get("type")) not in {"message", "app_mention"}:
        return None
    if event.get("subtype") == "message_changed":
        return _from_edit(event, bot_user)
    if text(event.get("subtype", "")) not in USER_SUBTYPES or _is_bot(event, bot_user):
        return None
    return _message(event, event, bot_user, EventKind.MESSAGE)


def _from_edit(event: Payload, bot_user: str) -> InboundEvent | None:
    """message_changed with an ``edited`` marker (unfurls change messages too, without it)."""
    inner, edited = obj(event.get("message")), obj(obj(event.get("message")).get("edited"))
    subtype = text(inner.get("subtype", ""))
    if not edited or _is_bot(inner, bot_user) or subtype not in USER_SUBTYPES:
        return None
    suffix = f":edit:{text(edited.get('ts'))}"
    return _message(event, inner, bot_user, EventKind.EDIT, suffix=suffix)


def _is_bot(message: Payload, bot_user: str) -> bool:
    """Messages from bots (ours included) are not customer feedback."""
    return bool(message.get("bot_id")) or (bool(bot_user) and message.get("user") == bot_user)


def _message(
    event: Payload, message: Payload, bot_user: str, kind: EventKind, suffix: str = ""
) -> InboundEvent | None:
    """Build the event; platform_id is channel:ts, shared by a message and its app_mention."""
    channel, ts = text(event.get("channel")), text(message.get("ts"))
    user = text(message.get("user"))
    if not (channel and ts and user):
        return None
    return InboundEvent(
        channel=Channel.SLACK,
        platform_id=f"{channel}:{ts}{suffix}",
        kind=kind,
        sender=user,
        address=_address(channel, text(event.get("channel_type")), ts, message.get("thread_ts")),
        text=_clean_text(text(message.get("text")), bot_user),
        sender_name=_display_name(obj(message.get("user_profile"))),
        reply_ref=ts,
        occurred_at=_time(ts),
    )


def _from_block_actions(payload: Payload) -> InboundEvent | None:
    """A button press under one of our messages: a vote for the button's value."""
    actions, user = objs(payload.get("actions")), obj(payload.get("user"))
    message, container = obj(payload.get("message")), obj(payload.get("container"))
    channel = text(obj(payload.get("channel")).get("id")) or text(container.get("channel_id"))
    user_id = text(user.get("id"))
    if not (actions and user_id and channel):
        return None
    action = actions[0]
    ts = text(message.get("ts")) or text(container.get("message_ts"))
    action_id, action_ts = text(action.get("action_id")), text(action.get("action_ts"))
    value = text(action.get("value")) or text(obj(action.get("selected_option")).get("value"))
    return InboundEvent(
        channel=Channel.SLACK,
        platform_id=f"{action_id}:{ts}:{user_id}:{action_ts}",
        kind=EventKind.VOTE,
        sender=user_id,
        address=_address(channel, "", ts, message.get("thread_ts")),
        sender_name=text(user.get("name")) or text(user.get("username")),
        reply_ref=ts,
        vote=Vote(
            poll_ref=text(action.get("block_id")) or action_id,
            options=(value,),
            reply_hook=text(payload.get("response_url")),
        ),
        occurred_at=_time(action_ts or ts),
    )


def _address(channel: str, channel_type: str, ts: str, thread_ts: object) -> Address:
    """Channel messages converse in their thread; DMs plainly, unless already in a thread."""
    kind = conversation_kind(channel, channel_type)
    thread = text(thread_ts) or ("" if kind is ConversationKind.DIRECT else ts)
    return Address(channel=Channel.SLACK, chat=channel, thread=thread, kind=kind)


def _clean_text(text: str, bot_user: str) -> str:
    """Drop a leading mention of the bot and undo Slack's escaping."""
    if bot_user:
        text = re.sub(rf"^\s*<@{re.escape(bot_user)}(\|[^>]*)?>[\s,:]*", "", text)
    return unescape(text).strip()


def _display_name(profile: Payload) -> str:
    """The name the person shows in Slack, when the event carries their profile."""
    return text(profile.get("display_name")) or text(profile.get("real_name"))


def _time(ts: str) -> datetime:
    """Slack's "seconds.micros" timestamps as aware UTC datetimes."""
    try:
        return datetime.fromtimestamp(float(ts), UTC)
    except (ValueError, OverflowError, OSError):
        return datetime.now(UTC)
