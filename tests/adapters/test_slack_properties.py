"""Slack translation, for any payload: a storable event, or None (not for us); never a crash."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.slack.inbound import to_event
from bot.storable import problems
from tests.support.strangers import any_text, ids, json_values, maybe, storable_texts, texts

BOT = "U0BOT"


@st.composite
def message_events(draw: st.DrawFn) -> dict[str, Any]:
    """An Events API envelope around a message, every field a stranger's (or of a wrong type)."""
    message = {
        "type": draw(maybe(st.sampled_from(["message", "app_mention"]))),
        "user": draw(maybe(ids)),
        "text": draw(maybe(any_text)),
        "ts": draw(maybe(st.sampled_from(["1700000000.000100", "nan", "1e300", "-1"]) | texts)),
        "channel": draw(maybe(ids)),
        "channel_type": draw(maybe(st.sampled_from(["im", "channel", "mpim"]) | texts)),
        "thread_ts": draw(maybe(ids)),
        "user_profile": draw(maybe(st.fixed_dictionaries({"display_name": any_text}))),
    }
    if draw(st.booleans()):
        message = {
            "type": "message",
            "subtype": "message_changed",
            "channel": message["channel"],
            "message": {**message, "edited": {"ts": draw(maybe(ids))}},
        }
    authorizations = draw(maybe(st.just([{"is_bot": True, "user_id": BOT}])))
    return {"type": "event_callback", "event": message, "authorizations": authorizations}


@st.composite
def block_actions(draw: st.DrawFn) -> dict[str, Any]:
    """A button tap: ids, names, values and the response_url all a stranger's."""
    action = {
        "action_id": draw(maybe(ids)),
        "block_id": draw(maybe(ids)),
        "value": draw(maybe(any_text)),
        "action_ts": draw(maybe(ids)),
    }
    return {
        "type": "block_actions",
        "user": draw(maybe(st.fixed_dictionaries({"id": ids, "name": any_text}))),
        "channel": draw(maybe(st.fixed_dictionaries({"id": ids}))),
        "message": draw(maybe(st.fixed_dictionaries({"ts": ids, "thread_ts": ids}))),
        "actions": draw(maybe(st.lists(maybe(st.just(action)), max_size=2))),
        "response_url": draw(maybe(any_text)),
    }


payloads = st.one_of(message_events(), block_actions(), json_values)


@settings(max_examples=300, deadline=None)
@given(payloads)
def test_any_payload_translates_to_a_storable_event_or_none(payload: Any) -> None:
    event = to_event(payload)
    assert event is None or problems(event) == []


def _plain(text: str) -> bool:
    return text == text.strip() and not set(text) & set("\r&<>")


@settings(deadline=None)
@given(storable_texts.filter(_plain))
def test_storable_text_arrives_as_sent(text: str) -> None:
    body = {
        "type": "event_callback",
        "event": {"type": "message", "user": "U1", "text": text, "ts": "1.2", "channel": "D1"},
    }
    event = to_event(body)
    assert event is not None and event.text == text
