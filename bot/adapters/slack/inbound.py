"""Pure translation of Slack payloads (Events API envelopes, block_actions) into InboundEvents."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from bot.adapters.slack.text import unescape
from bot.events import Address, Channel, ConversationKind, EventKind, InboundEvent, Vote

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
    """Translate one Slack request body; None unless it is a customer's message, edit or vote."""
    if payload.get("type") == "event_callback":
        return _from_event(payload.get("event") or {}, _bot_user(payload))
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
    for authorization in payload.get("authorizations") or ():
        if authorization.get("is_bot"):
            return str(authorization.get("user_id", ""))
    return ""


def _from_event(event: Payload, bot_user: str) -> InboundEvent | None:
    """A message or app_mention event; edits become EDIT; other subtypes and bots are ignored."""
    if event.get("type") not in {"message", "app_mention"}:
        return None
    if event.get("subtype") == "message_changed":
        return _from_edit(event, bot_user)
    if event.get("subtype", "") not in USER_SUBTYPES or _is_bot(event, bot_user):
        return None
    return _message(event, event, bot_user, EventKind.MESSAGE)


def _from_edit(event: Payload, bot_user: str) -> InboundEvent | None:
    """message_changed with an ``edited`` marker (unfurls change messages too, without it)."""
    inner = event.get("message") or {}
    edited = inner.get("edited") or {}
    if not edited or _is_bot(inner, bot_user) or inner.get("subtype", "") not in USER_SUBTYPES:
        return None
    return _message(event, inner, bot_user, EventKind.EDIT, suffix=f":edit:{edited.get('ts', '')}")


def _is_bot(message: Payload, bot_user: str) -> bool:
    """Messages from bots (ours included) are not customer feedback."""
    return bool(message.get("bot_id")) or (bool(bot_user) and message.get("user") == bot_user)


def _message(
    event: Payload, message: Payload, bot_user: str, kind: EventKind, suffix: str = ""
) -> InboundEvent | None:
    """Build the event; platform_id is channel:ts, shared by a message and its app_mention."""
    channel, ts = str(event.get("channel", "")), str(message.get("ts", ""))
    user = message.get("user")
    if not (channel and ts and user):
        return None
    return InboundEvent(
        channel=Channel.SLACK,
        platform_id=f"{channel}:{ts}{suffix}",
        kind=kind,
        sender=str(user),
        address=_address(channel, event.get("channel_type", ""), ts, message.get("thread_ts")),
        text=_clean_text(str(message.get("text", "")), bot_user),
        sender_name=_display_name(message.get("user_profile") or {}),
        reply_ref=ts,
        occurred_at=_time(ts),
    )


def _from_block_actions(payload: Payload) -> InboundEvent | None:
    """A button press under one of our messages: a vote for the button's value."""
    actions, user = payload.get("actions") or (), payload.get("user") or {}
    message, container = payload.get("message") or {}, payload.get("container") or {}
    channel = str((payload.get("channel") or {}).get("id") or container.get("channel_id") or "")
    if not (actions and user.get("id") and channel):
        return None
    action, ts = actions[0], str(message.get("ts") or container.get("message_ts") or "")
    action_id, action_ts = str(action.get("action_id", "")), str(action.get("action_ts", ""))
    value = str(action.get("value") or (action.get("selected_option") or {}).get("value") or "")
    return InboundEvent(
        channel=Channel.SLACK,
        platform_id=f"{action_id}:{ts}:{user['id']}:{action_ts}",
        kind=EventKind.VOTE,
        sender=str(user["id"]),
        address=_address(channel, "", ts, message.get("thread_ts")),
        sender_name=str(user.get("name") or user.get("username") or ""),
        reply_ref=ts,
        vote=Vote(
            poll_ref=str(action.get("block_id") or action_id),
            options=(value,),
            reply_hook=str(payload.get("response_url") or ""),
        ),
        occurred_at=_time(action_ts or ts),
    )


def _address(channel: str, channel_type: str, ts: str, thread_ts: object) -> Address:
    """Channel messages converse in their thread; DMs plainly, unless already in a thread."""
    kind = conversation_kind(channel, channel_type)
    thread = str(thread_ts or "") or ("" if kind is ConversationKind.DIRECT else ts)
    return Address(channel=Channel.SLACK, chat=channel, thread=thread, kind=kind)


def _clean_text(text: str, bot_user: str) -> str:
    """Drop a leading mention of the bot and undo Slack's escaping."""
    if bot_user:
        text = re.sub(rf"^\s*<@{re.escape(bot_user)}(\|[^>]*)?>[\s,:]*", "", text)
    return unescape(text).strip()


def _display_name(profile: Payload) -> str:
    """The name the person shows in Slack, when the event carries their profile."""
    return str(profile.get("display_name") or profile.get("real_name") or "")


def _time(ts: str) -> datetime:
    """Slack's "seconds.micros" timestamps as aware UTC datetimes."""
    try:
        return datetime.fromtimestamp(float(ts), UTC)
    except ValueError:
        return datetime.now(UTC)
