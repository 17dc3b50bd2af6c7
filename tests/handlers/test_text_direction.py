"""Direction controls in a person's text: every override, embedding and isolate shown as its
marker, and so is any other control character but tab and line breaks; nothing else touched
(marks and right-to-left letters stay as written)."""

from __future__ import annotations

import pytest

from handlers.text_direction import override_in, shown
from tests.support.rtl import ARABIC, HEBREW, LRM, RLM

CONTROLS = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]


@pytest.mark.parametrize("control", CONTROLS)
def test_each_control_is_shown_as_its_code_point(control: str) -> None:
    assert shown(f"a{control}b") == f"a[U+{ord(control):04X}]b"


def test_a_spoofed_file_name_reads_in_the_order_it_was_written() -> None:
    assert shown("pay here \u202egpj.exe") == "pay here [U+202E]gpj.exe"


@pytest.mark.parametrize(
    "text", [ARABIC, f"{RLM}{ARABIC}{RLM}", f"{LRM}Wi-Fi{LRM} {HEBREW}", "plain words", ""]
)
def test_marks_and_right_to_left_letters_are_left_as_written(text: str) -> None:
    assert shown(text) == text


def test_only_the_overrides_are_named_as_overrides() -> None:
    assert override_in("x\u202dy\u202ez") == "[U+202D]"
    assert override_in(f"\u2067{ARABIC}\u2069 \u202b{HEBREW}\u202c {RLM}") is None


@pytest.mark.parametrize("control", ["\x00", "\x07", "\x1b", "\x0b", "\x7f", "\x85", "\x9f"])
def test_other_control_characters_are_shown_as_their_code_points(control: str) -> None:
    """They have no glyph: a page would draw an empty box, or nothing at all."""
    assert shown(f"red{control}[31m") == f"red[U+{ord(control):04X}][31m"


def test_tabs_and_line_breaks_are_left_as_written() -> None:
    assert shown("one\ttwo\nthree\r\nfour") == "one\ttwo\nthree\r\nfour"
