"""bot.storable: any text, any event, made storable; storable input left as it is."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given, settings

from bot.events import Address, Channel, EventKind, InboundEvent
from bot.storable import MAX_ID_CHARS, clean_id, clean_text, problems, storable, text_problem
from tests.support.strangers import any_text, events, texts


@settings(deadline=None)
@given(any_text)
def test_cleaned_text_is_storable_and_stays_as_it_is(text: str) -> None:
    cleaned = clean_text(text)
    assert text_problem(cleaned) is None and "\r" not in cleaned
    assert clean_text(cleaned) == cleaned
    cleaned.encode("utf-8")  # valid Unicode scalar values only


@settings(deadline=None)
@given(texts)
def test_storable_text_is_not_changed(text: str) -> None:
    if text_problem(text) is None and "\r" not in text:
        assert clean_text(text) is text


@settings(deadline=None)
@given(any_text)
def test_ids_fit_their_column_and_keep_apart(value: str) -> None:
    cleaned = clean_id(value)
    assert len(cleaned) <= MAX_ID_CHARS and text_problem(cleaned) is None
    assert clean_id(value) == cleaned
    if len(clean_text(value)) > MAX_ID_CHARS:
        assert clean_id(value + "x") != cleaned


@settings(deadline=None)
@given(events())
def test_every_string_of_an_event_is_made_storable(event: InboundEvent) -> None:
    cleaned = storable(event)
    assert problems(cleaned) == []
    assert storable(cleaned) is cleaned
    assert (cleaned.channel, cleaned.kind) == (event.channel, event.kind)
    assert cleaned.occurred_at.utcoffset() == timedelta(0)


def test_problems_name_the_character_and_the_field() -> None:
    assert text_problem("ok\n\ttext") is None
    assert text_problem("a\x00b") == "contains a control character (U+0000)"
    assert text_problem("a\udc80") == "is not valid Unicode (lone surrogate U+DC80)"
    bad = InboundEvent(
        channel=Channel.X,
        platform_id="1",
        kind=EventKind.MESSAGE,
        sender="u\x1b",
        address=Address(Channel.X, "c", extra={"username": "\ud83d"}),
        occurred_at=datetime(2020, 1, 1, tzinfo=timezone(timedelta(hours=2))),
    )
    assert problems(bad) == ["event.sender", "event.address.extra", "event.occurred_at"]


def test_cleaning_replaces_surrogates_drops_controls_and_normalises_newlines() -> None:
    assert clean_text("a\r\nb\rc\x00d\x1b[1me\ud800\x85f\tg") == "a\nb\ncd[1me\ufffdf\tg"
