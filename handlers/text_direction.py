"""A person's text as staff see it: the invisible characters that reorder text shown, never
obeyed. Pure, stdlib only.

A right-to-left override (U+202E) makes "invoice\\u202egpj.exe" read as "invoiceexe.jpg"; the
embeddings and isolates can reorder runs in the same way. Every staff page, card, alert and
digest shows them as a visible ``[U+202E]``; the stored text keeps them (it is the record).
The marks U+200E, U+200F and U+061C are left alone: Arabic and Hebrew writers use them, they
reorder no letters within a word, and pages put each person's text in its own isolate
(``dir="auto"`` or ``<bdi>``), so nothing they do reaches the page around it.

Other control characters (a bell, an escape, DEL, the C1 range; not tab or line breaks) have
no glyph: a browser draws an empty box or nothing, so they are written out the same way.
"""

from __future__ import annotations

import re

CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""LRE, RLE, PDF, LRO, RLO and LRI, RLI, FSI, PDI; and the C0 and C1 controls but tab, line
feed and carriage return."""

OVERRIDES = re.compile("[\u202d\u202e]")
"""LRO and RLO: they turn the letters themselves around, which no writer needs."""


def marker(char: str) -> str:
    """The visible stand-in for a control character: '[U+202E]'."""
    return f"[U+{ord(char):04X}]"


def shown(text: str) -> str:
    """``text`` with every direction control and other control character written out as its
    marker."""
    return CONTROLS.sub(lambda m: marker(m.group()), text) if CONTROLS.search(text) else text


def override_in(text: str) -> str | None:
    """The first override in ``text`` as its marker, or None when it has none."""
    found = OVERRIDES.search(text)
    return None if found is None else marker(found.group())
