"""Scrubbing quotes before anyone reads them: e-mail addresses, phone numbers, student numbers,
@handles. Pure."""

from __future__ import annotations

import re

_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    (re.compile(r"(?<![\w+])(?:\+|00)?\d(?:[ ().-]{0,2}\d){9,13}(?!\w)"), "[phone]"),
    (re.compile(r"(?<![\w@])[A-Za-z]{0,2}\d{6,9}(?!\w)"), "[student number]"),
    (re.compile(r"(?<![\w@])@\w{1,30}"), "[handle]"),
)


def scrub(text: str) -> str:
    """The text with personal identifiers replaced by a bracketed word saying what was there."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text
