"""Telegram translation, for any update PTB can read: a storable event or None; never a crash."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from telegram import Update

from bot.adapters.telegram.translate import to_event
from bot.storable import problems
from tests.fakes import telegram_payloads as tp
from tests.support.strangers import any_text

telegram_ids = st.integers(-(2**52), 2**52)


@st.composite
def people(draw: st.DrawFn) -> dict[str, Any]:
    """A Telegram user whose names are a stranger's."""
    person = tp.user(draw(telegram_ids), draw(any_text), draw(any_text))
    person["username"] = draw(any_text)
    return person


@st.composite
def updates(draw: st.DrawFn) -> dict[str, Any]:
    """A message, an edit, a button tap or a poll answer, with a stranger's text in it."""
    person, text, number = draw(people()), draw(any_text), draw(st.integers(1, 2**31))
    kind = draw(st.sampled_from(["message", "caption", "edit", "button", "poll_answer", "topic"]))
    if kind == "button":
        body = tp.callback_update(draw(any_text), sender=person, query_id=draw(any_text))
    elif kind == "poll_answer":
        body = tp.poll_answer_update(draw(st.lists(st.integers(0, 9))), poll_id=draw(any_text))
        body["poll_answer"]["user"] = person
    elif kind == "edit":
        body = tp.edited_update(text, message_id=number, sender=person)
    else:
        topic = number if kind == "topic" else None
        chat = tp.group_chat(draw(telegram_ids), forum=True) if topic else None
        body = tp.message_update(text, message_id=number, sender=person, chat=chat, topic=topic)
        if kind == "caption":
            body["message"]["caption"] = body["message"].pop("text")
    return {"update_id": draw(st.integers(1, 2**31)), **body}


@settings(max_examples=300, deadline=None)
@given(updates())
def test_any_update_translates_to_a_storable_event_or_none(data: dict[str, Any]) -> None:
    event = to_event(Update.de_json(data, None))
    assert event is None or problems(event) == []
