"""Splitting long text for Slack: paragraph, then line, sentence and word boundaries."""

from __future__ import annotations

import re
from collections.abc import Callable

_SEPARATORS = (
    re.compile(r"\n\s*\n"),
    re.compile(r"\n"),
    re.compile(r"(?<=[.!?])\s+"),
    re.compile(r"\s+"),
)
_ESCAPED_WIDTH = {"&": 5, "<": 4, ">": 4}


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """Undo Slack's escaping of &, < and > in inbound text."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def split_text(text: str, limit: int) -> list[str]:
    """Split ``text`` into pieces of at most ``limit`` characters, at the widest boundary."""
    return _split(text, limit, lambda _: 1, lambda piece: piece)


def split_escaped(text: str, limit: int) -> list[str]:
    """Split then escape, so that every escaped piece fits in ``limit`` characters."""
    whole = text.strip()
    if len(whole) * max(_ESCAPED_WIDTH.values()) <= limit:  # most texts: no need to measure
        return [escape(whole)] if whole else []
    return _split(text, limit, lambda ch: _ESCAPED_WIDTH.get(ch, 1), escape)


def _split(
    text: str, limit: int, width: Callable[[str], int], finish: Callable[[str], str]
) -> list[str]:
    """Cut off the widest-boundary head that fits, until nothing is left."""
    pieces, text = [], text.strip()
    while text:
        budget = _fits(text, limit, width)
        cut = len(text) if budget >= len(text) else _cut_point(text, budget)
        pieces.append(finish(text[:cut].rstrip()))
        text = text[cut:].lstrip()
    return pieces


def _fits(text: str, limit: int, width: Callable[[str], int]) -> int:
    """How many leading characters of ``text`` fit in ``limit`` (at least one)."""
    used = 0
    for index, char in enumerate(text):
        used += width(char)
        if used > limit:
            return max(index, 1)
    return len(text)


def _cut_point(text: str, limit: int) -> int:
    """Where to cut: after the last separator that leaves a head of at most ``limit`` characters."""
    window = text[: limit + 1]
    for separator in _SEPARATORS:
        ends = [match.end() for match in separator.finditer(window) if 0 < match.start() <= limit]
        if ends and max(ends) > limit // 4:
            return max(ends)
    return limit
