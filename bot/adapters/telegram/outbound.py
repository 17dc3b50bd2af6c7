"""Pure helpers for sending: split long text, build keyboards and reply parameters."""

from __future__ import annotations

import re
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters

from bot.channel import Capabilities
from bot.events import Button

MAX_TEXT = 4096
"""Telegram's limit for one message, in UTF-16 code units after entity parsing."""

MAX_BUTTON_DATA = 64
"""Telegram's limit for callback_data, in bytes."""

CAPABILITIES = Capabilities(
    max_text=MAX_TEXT,
    buttons=True,
    threads=True,
    native_polls=True,
    native_poll_voters=True,  # a non-anonymous poll: each answer names its voter
    native_multi=True,
    max_poll_options=12,
    max_option_chars=100,
    closable_polls=True,  # stopPoll, or the answer buttons edited away
    editing=True,
    send_rate=20.0,  # about 30 a second to different chats: two-thirds, room for replies
)
"""What Telegram can do (the answer toast after a tap is the adapter's own business)."""

_BOUNDARIES = (
    re.compile(r"\n\s*\n"),
    re.compile(r"\n"),
    re.compile(r"(?<=[.!?])\s+"),
    re.compile(r"\s+"),
)


def units(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Split into chunks of at most ``limit`` units at paragraph, line, sentence or word ends."""
    chunks: list[str] = []
    rest = text.strip()
    while units(rest) > limit:
        cut = _cut_point(rest, limit)
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not chunks:
        chunks.append(rest)
    return chunks


def _fits(text: str, limit: int) -> int:
    """The longest prefix length (in code points) of ``text`` that fits ``limit`` units."""
    end = min(len(text), limit)
    while units(text[:end]) > limit:
        end -= 1
    return end


def _cut_point(text: str, limit: int) -> int:
    """Where to cut: the last good boundary in the window's second half, else a hard cut."""
    end = _fits(text, limit)
    window = text[:end]
    for pattern in _BOUNDARIES:
        spots = [m.end() for m in pattern.finditer(window) if m.start() >= end // 2]
        if spots:
            return spots[-1]
    return end


def keyboard(buttons: Sequence[Button], per_row: int = 1) -> InlineKeyboardMarkup | None:
    """One inline button per choice (``per_row`` to a row); None when there are none."""
    if not buttons:
        return None
    keys = [InlineKeyboardButton(b.label, callback_data=_data(b.value)) for b in buttons]
    rows = [keys[i : i + per_row] for i in range(0, len(keys), per_row)]
    return InlineKeyboardMarkup(rows)


def _data(value: str) -> str:
    if len(value.encode()) > MAX_BUTTON_DATA:
        raise ValueError(f"button value over {MAX_BUTTON_DATA} bytes: {value[:20]!r}...")
    return value


def message_id_of(ref: str) -> int | None:
    """Telegram message id from a reply ref: "42" or our platform id "chat:42"."""
    tail = ref.rpartition(":")[2]
    return int(tail) if tail.lstrip("-").isdigit() else None


def reply_to(ref: str) -> ReplyParameters | None:
    """Reply parameters for ``ref``; still sends if the original message is gone."""
    message_id = message_id_of(ref)
    if message_id is None:
        return None
    return ReplyParameters(message_id=message_id, allow_sending_without_reply=True)


def thread_id(thread: str) -> int | None:
    """Forum topic id from an Address.thread ("" = none)."""
    return int(thread) if thread.lstrip("-").isdigit() else None
