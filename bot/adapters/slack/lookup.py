"""Finding a post of ours by the send key in its message metadata (``metadata`` on
chat.postMessage; conversations.history, or conversations.replies in a thread, with
``include_all_metadata``): how a send whose outcome is unknown is checked before a resend."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.adapters.slack.client import error_code, send_error

EVENT_TYPE = "feedbot_outbox"
PAGE_SIZE = 200
MAX_PAGES = 10
CLOCK_SLACK_S = 120.0
"""How far before the item was queued to look, in case our clock is ahead of Slack's."""
CANNOT_READ = frozenset(
    {"missing_scope", "not_in_channel", "channel_not_found", "thread_not_found", "not_allowed"}
)
"""Answers meaning this bot cannot read the conversation: the look-up cannot tell."""


def metadata(key: str, piece: int, pieces: int) -> dict[str, Any]:
    """The metadata one piece of a send carries (1-based ``piece`` of ``pieces``)."""
    payload = {"send_key": key, "piece": piece, "pieces": pieces}
    return {"event_type": EVENT_TYPE, "event_payload": payload}


def found_ts(messages: Sequence[Any], key: str) -> str | None:
    """The ts of the send's last piece among ``messages``; "" when no piece of it is there;
    None when only earlier pieces are (it was cut off part-way)."""
    pieces = [m for m in messages if isinstance(m, dict) and _payload(m).get("send_key") == key]
    for m in pieces:
        payload = _payload(m)
        if payload.get("piece") == payload.get("pieces"):
            return str(m.get("ts", ""))
    return None if pieces else ""


def _payload(message: dict[str, Any]) -> dict[str, Any]:
    meta = message.get("metadata")
    if not isinstance(meta, dict) or meta.get("event_type") != EVENT_TYPE:
        return {}
    payload = meta.get("event_payload")
    return payload if isinstance(payload, dict) else {}


async def find_post(
    client: AsyncWebClient, *, channel: str, thread: str, key: str, since: datetime
) -> str | None:
    """The ts under which the send ``key`` was posted in ``channel`` (or ``thread``) since
    ``since``; "" when it was not; None when this bot cannot tell."""
    args: dict[str, Any] = {
        "channel": channel,
        "oldest": f"{since.timestamp() - CLOCK_SLACK_S:.6f}",
        "inclusive": True,
        "include_all_metadata": True,
        "limit": PAGE_SIZE,
    }
    read: Callable[..., Awaitable[AsyncSlackResponse]] = client.conversations_history
    if thread:
        read, args["ts"] = client.conversations_replies, thread
    for _ in range(MAX_PAGES):
        try:
            response = await read(**args)
        except SlackApiError as exc:
            if error_code(exc) in CANNOT_READ:
                return None
            raise send_error(exc) from exc
        ts = found_ts(response.get("messages") or [], key)
        cursor = (response.get("response_metadata") or {}).get("next_cursor")
        if ts != "" or not cursor:
            return ts
        args["cursor"] = cursor
    return None  # more history than we read: cannot tell
