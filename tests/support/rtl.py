"""Right-to-left text as people write it, for the text-direction tests (kept apart from Latin
text: ruff's RUF001 mistakes an alef or a vav inside a mixed string for a Latin letter)."""

from __future__ import annotations

ARABIC = "المكتبة مغلقة اليوم"  # "the library is closed today"
ARABIC_NAME = "أحمد"  # "Ahmed"
HEBREW = "שלום"  # "hello"
RLM, LRM = "\u200f", "\u200e"
