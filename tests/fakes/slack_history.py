"""What FakeSlack keeps of the messages posted through it, and its answers to
conversations.history and conversations.replies, as Slack gives them: history newest first and
without thread replies, replies oldest first after their parent, ``oldest``/``latest``
exclusive unless ``inclusive``, pages of ``limit`` with ``response_metadata.next_cursor``, and
each message's ``metadata`` only when ``include_all_metadata`` is asked for."""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]


class History:
    """Posted messages by channel, in the order Slack stamped them."""

    def __init__(self) -> None:
        self.channels: dict[str, list[Json]] = {}

    def post(self, args: Json, *, ts: str, user: str) -> Json:
        """Keep one chat.postMessage; returns the message as Slack shows it."""
        message: Json = {"type": "message", "text": args.get("text", ""), "user": user, "ts": ts}
        if args.get("thread_ts"):
            message["thread_ts"] = str(args["thread_ts"])
        if isinstance(args.get("metadata"), dict):
            message["metadata"] = args["metadata"]
        self.channels.setdefault(str(args.get("channel", "")), []).append(message)
        return message

    def in_channel(self, channel: str) -> list[Json]:
        """Everything posted to ``channel``, oldest first (thread replies included)."""
        return list(self.channels.get(channel, []))

    def history(self, args: Json) -> Json:
        """conversations.history: the channel's top-level messages, newest first."""
        messages = [
            m
            for m in self.in_channel(str(args.get("channel", "")))
            if m.get("thread_ts", m["ts"]) == m["ts"]
        ]
        return _page(list(reversed(_window(messages, args))), args)

    def replies(self, args: Json) -> Json:
        """conversations.replies: the thread's parent, then its replies oldest first."""
        thread = str(args.get("ts", ""))
        replies = [
            m
            for m in self.in_channel(str(args.get("channel", "")))
            if m.get("thread_ts") == thread and m["ts"] != thread
        ]
        parent: Json = {"type": "message", "text": "", "ts": thread, "thread_ts": thread}
        return _page([parent, *_window(replies, args)], args)


def _window(messages: list[Json], args: Json) -> list[Json]:
    """Messages between ``oldest`` and ``latest`` (exclusive unless ``inclusive``)."""
    oldest, latest = float(args.get("oldest") or 0), float(args.get("latest") or "inf")
    inclusive = _flag(args.get("inclusive"))

    def inside(m: Json) -> bool:
        ts = float(m["ts"])
        if inclusive:
            return oldest <= ts <= latest
        return oldest < ts < latest

    return [m for m in messages if inside(m)]


def _page(messages: list[Json], args: Json) -> Json:
    """One page of ``limit`` (default 100) from the ``cursor``, metadata only when asked."""
    start = int(str(args.get("cursor") or "0").removeprefix("next:"))
    limit = int(args.get("limit") or 100)
    shown = messages[start : start + limit]
    if not _flag(args.get("include_all_metadata")):
        shown = [{k: v for k, v in m.items() if k != "metadata"} for m in shown]
    more = start + limit < len(messages)
    cursor = f"next:{start + limit}" if more else ""
    return {"messages": shown, "has_more": more, "response_metadata": {"next_cursor": cursor}}


def _flag(value: Any) -> bool:
    """Slack's booleans arrive as true/false, 1/0 or "true"/"1"."""
    return str(value).lower() in ("1", "true")
