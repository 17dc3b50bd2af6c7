"""Printing stored text to a terminal literally: no rich markup is interpreted and no control
character (ESC, CSI, OSC, other C0/C1 controls, bidi overrides) reaches the terminal; each is
shown as a visible escape such as ``\\x1b`` or ``\\u202e``. Every CLI table goes through here."""

from __future__ import annotations

import json
import re
import unicodedata

from rich.console import Console
from rich.table import Table
from rich.text import Text

# Format characters that emoji sequences need; every other control or format character is shown.
KEPT = frozenset("\u200c\u200d")
WHITESPACE = re.compile(r"[\t\n\r]+")


def unsafe(char: str) -> bool:
    """Whether a terminal could act on this character rather than print it."""
    if char in KEPT:
        return False
    return unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp")


def escaped(char: str) -> str:
    """The visible form of an unsafe character: \\x1b, \\u202e, \\U000e0001."""
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def visible(text: str, limit: int | None = None) -> str:
    """The text with line breaks and tabs as spaces and other controls escaped, cut to limit."""
    flat = WHITESPACE.sub(" ", text[:limit] if limit else text)
    return "".join(escaped(c) if unsafe(c) else c for c in flat)


def literal(value: object, limit: int | None = None) -> Text:
    """A table cell or line that rich prints exactly as written (markup is not parsed)."""
    return Text(visible(str(value), limit), no_wrap=False)


def table(*columns: str) -> Table:
    """A table whose rows are added with ``add_row``."""
    return Table(*columns)


def add_row(to: Table, *cells: object) -> None:
    """Add one row, every cell shown literally."""
    to.add_row(*(c if isinstance(c, Text) else literal(c) for c in cells))


def console() -> Console:
    """A console that reads no markup, emoji codes or highlighting into what it prints."""
    return Console(markup=False, emoji=False, highlight=False)


def json_line(value: object) -> str:
    """One JSON object on one line; unsafe characters are \\u escapes (same value decoded)."""
    raw = json.dumps(value, ensure_ascii=False)
    return "".join(_json_escape(c) if unsafe(c) else c for c in raw)


def _json_escape(char: str) -> str:
    """A JSON \\u escape (a surrogate pair above the BMP)."""
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    high, low = divmod(code - 0x10000, 0x400)
    return f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}"
