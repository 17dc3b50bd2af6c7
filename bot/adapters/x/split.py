"""Splitting long text into tweet-sized parts on paragraph, sentence and word boundaries.

X counts a tweet's length in weighted characters: most Latin and punctuation code points weigh 1,
others (CJK, emoji) 2, and every URL 23. ``weighted_length`` follows that rule closely enough to
stay under the limit.
"""

from __future__ import annotations

import re
from collections.abc import Callable

MeasureFn = Callable[[str], int]
_URL = re.compile(r"https?://\S+")
_LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
_URL_WEIGHT = 23
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def _char_weight(char: str) -> int:
    code = ord(char)
    return 1 if any(low <= code <= high for low, high in _LIGHT_RANGES) else 2


def weighted_length(text: str) -> int:
    """The length X counts against the 280 limit."""
    total, position = 0, 0
    for match in _URL.finditer(text):
        total += sum(_char_weight(c) for c in text[position : match.start()]) + _URL_WEIGHT
        position = match.end()
    return total + sum(_char_weight(c) for c in text[position:])


def _hard_cut(word: str, limit: int, measure: MeasureFn) -> list[str]:
    """A word longer than the limit, cut into pieces that fit."""
    pieces, current = [], ""
    for char in word:
        if current and measure(current + char) > limit:
            pieces.append(current)
            current = ""
        current += char
    return [*pieces, current] if current else pieces


def _pack(units: list[str], joiner: str, limit: int, measure: MeasureFn) -> list[str]:
    """Greedily join units with ``joiner`` into parts that fit the limit."""
    parts: list[str] = []
    current = ""
    for unit in units:
        candidate = f"{current}{joiner}{unit}" if current else unit
        if measure(candidate) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
        current = unit
    return [*parts, current] if current else parts


def _split_unit(text: str, level: int, limit: int, measure: MeasureFn) -> list[str]:
    """Split one piece at the given level (0 paragraphs, 1 sentences, 2 words, 3 characters)."""
    if measure(text) <= limit:
        return [text]
    if level == 3:
        return _hard_cut(text, limit, measure)
    pattern, joiner = ((r"\n\s*\n", "\n\n"), (_SENTENCE.pattern, " "), (r"\s+", " "))[level]
    units = [u.strip() for u in re.split(pattern, text) if u.strip()]
    pieces = [p for u in units for p in _split_unit(u, level + 1, limit, measure)]
    return _pack(pieces, joiner, limit, measure)


def split_text(text: str, limit: int, measure: MeasureFn = len) -> list[str]:
    """``text`` as parts of at most ``limit`` (by ``measure``), broken at the gentlest boundary."""
    text = text.strip()
    if not text:
        return [""]
    return _split_unit(text, 0, limit, measure)
