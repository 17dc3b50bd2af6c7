"""Widget translation, for any JSON body: a storable event, or the input error that becomes a
400/413; never another exception, and storable text is taken as sent unless it holds a
direction override (U+202D, U+202E)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.widget import TextTooLong, WidgetInputError, to_event, vote_event
from bot.storable import problems
from handlers.text_direction import override_in
from tests.support.rtl import ARABIC, ARABIC_NAME, HEBREW, LRM, RLM
from tests.support.strangers import json_values, maybe, storable_texts, texts

LIMIT = 40
tokens = st.from_regex(r"\A[A-Za-z0-9_-]{8,128}\Z") | texts


@st.composite
def bodies(draw: st.DrawFn) -> Any:
    """A message body: fields present, absent, of the wrong type, or holding any text."""
    body = {
        "session": draw(maybe(tokens)),
        "client_id": draw(maybe(tokens)),
        "text": draw(maybe(texts)),
        "poll_id": draw(maybe(st.integers(-2, 2**40))),
        "option": draw(maybe(texts)),
    }
    return {k: v for k, v in body.items() if draw(st.integers(0, 9))}


@settings(max_examples=400, deadline=None)
@given(st.one_of(bodies(), json_values))
def test_any_body_is_a_storable_event_or_an_input_error(body: Any) -> None:
    for translate in (lambda b: to_event(b, max_chars=LIMIT), vote_event):
        try:
            event = translate(body)
        except (WidgetInputError, TextTooLong) as exc:
            assert str(exc)
        else:
            assert problems(event) == []


@settings(deadline=None)
@given(storable_texts.filter(str.strip))
def test_storable_text_is_accepted_as_sent_with_newlines_normalised(text: str) -> None:
    body = {"session": "session-abcdef12", "client_id": "client-0001", "text": text}
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    if override_in(text):
        with pytest.raises(WidgetInputError, match="text-direction override"):
            to_event(body, max_chars=LIMIT)
    elif len(normalised) > LIMIT:
        with pytest.raises(TextTooLong):
            to_event(body, max_chars=LIMIT)
    else:
        assert to_event(body, max_chars=LIMIT).text == normalised


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("hello \ud800", "lone surrogate U+D800"),
        ("hello \x00", "control character (U+0000)"),
        ("\x1b[31mred", "control character (U+001B)"),
        ("next\x85line", "control character (U+0085)"),
    ],
)
def test_unstorable_text_is_refused_saying_why(text: str, problem: str) -> None:
    body = {"session": "session-abcdef12", "client_id": "client-0001", "text": text}
    with pytest.raises(WidgetInputError) as refused:
        to_event(body, max_chars=LIMIT)
    assert str(refused.value).startswith("'text' ") and problem in str(refused.value)


@pytest.mark.parametrize("session", ["abcdefgh\n", "abcdefgh\x00", "\nabcdefgh"])
def test_a_session_must_match_in_full(session: str) -> None:
    body = {"session": session, "client_id": "client-0001", "text": "hi"}
    with pytest.raises(WidgetInputError, match="'session'"):
        to_event(body, max_chars=LIMIT)


@pytest.mark.parametrize("override", ["\u202e", "\u202d"])
def test_a_direction_override_is_refused_naming_it(override: str) -> None:
    body = {
        "session": "session-abcdef12",
        "client_id": "client-0001",
        "text": f"pay{override}gpj.exe",
    }
    with pytest.raises(WidgetInputError) as refused:
        to_event(body, max_chars=LIMIT)
    assert f"text-direction override ([U+{ord(override):04X}])" in str(refused.value)


@pytest.mark.parametrize(
    "text",
    [
        f"{RLM}{ARABIC}{RLM}",  # right-to-left marks, as Arabic keyboards write them
        f"{LRM}Wi-Fi{LRM} {ARABIC}",
        f"name: \u2067{ARABIC_NAME}\u2069, room 2",  # an isolate, as apps wrap a copied name
        f"\u202b{HEBREW}\u202c",  # an embedding, as older apps wrap a phrase
    ],
)
def test_marks_isolates_and_embeddings_are_taken_as_written(text: str) -> None:
    body = {"session": "session-abcdef12", "client_id": "client-0001", "text": text}
    assert to_event(body, max_chars=LIMIT).text == text
