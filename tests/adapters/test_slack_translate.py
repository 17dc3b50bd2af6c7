"""Pure Slack translation: recorded payloads → InboundEvents, OutboundMessages → Web API args."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.slack import CAPABILITIES, to_event
from bot.adapters.slack.outbound import MAX_SECTION_TEXT, MAX_TEXT, post_calls, update_call
from bot.adapters.slack.text import split_escaped, split_text
from bot.events import Address, Button, Channel, ConversationKind, EventKind, OutboundMessage, Vote

PAYLOADS = Path(__file__).parent / "payloads" / "slack"


def payload(name: str) -> dict[str, Any]:
    """A recorded Slack request body."""
    data: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text())
    return data


def test_dm_becomes_a_direct_message_with_unescaped_text() -> None:
    event = to_event(payload("message_im"))
    assert event is not None
    assert (event.channel, event.kind, event.sender) == (
        Channel.SLACK,
        EventKind.MESSAGE,
        "U01STUDNT",
    )
    assert event.platform_id == "D01DSTUD1:1763856000.000100"
    assert event.text == "The silent study room on floor 3 is freezing & the wifi drops"
    assert event.address == Address(Channel.SLACK, "D01DSTUD1", "", ConversationKind.DIRECT)
    assert event.reply_ref == "1763856000.000100"
    assert event.occurred_at.timestamp() == pytest.approx(1763856000.0001)


def test_app_mention_and_its_message_twin_are_the_same_event() -> None:
    mention, twin = to_event(payload("app_mention")), to_event(payload("message_channel_mention"))
    assert mention is not None and twin is not None
    assert mention.platform_id == twin.platform_id == "C01LIBRARY:1763856100.000200"
    assert mention.address == twin.address
    assert mention.address.thread == "1763856100.000200"
    assert mention.address.kind is ConversationKind.PUBLIC
    assert mention.text == twin.text == "can we have longer opening hours during exams?"


def test_thread_reply_lives_in_its_parent_thread() -> None:
    event = to_event(payload("message_thread_reply"))
    assert event is not None
    assert event.address.thread == "1763856100.000200"
    assert event.reply_ref == "1763856200.000300"
    assert event.sender_name == "sam"


@pytest.mark.parametrize(
    "name",
    [
        "message_own_bot",
        "message_bot_message",
        "channel_join",
        "message_changed_unfurl",
        "url_verification",
    ],
)
def test_non_customer_traffic_is_ignored(name: str) -> None:
    assert to_event(payload(name)) is None


def test_edit_is_an_edit_event_with_its_own_id() -> None:
    event = to_event(payload("message_changed"))
    assert event is not None
    assert event.kind is EventKind.EDIT
    assert event.platform_id == "D01DSTUD1:1763856000.000100:edit:1763856400.000000"
    assert event.reply_ref == "1763856000.000100"
    assert event.text == "The silent study room on floor 3 is freezing"


def test_button_press_is_a_vote_in_the_poll_thread() -> None:
    event = to_event(payload("block_actions"))
    assert event is not None
    assert event.kind is EventKind.VOTE
    hook = "https://hooks.slack.com/actions/T0FAKE001/6123456789012/AbCdEfGhIjKlMnOpQrStUvWx"
    assert event.vote == Vote(poll_ref="poll:42", options=("good",), reply_hook=hook)
    assert event.platform_id == "choice_0:1763856700.000900:U01STUDNT:1763856760.123456"
    assert event.address == Address(
        Channel.SLACK, "C01LIBRARY", "1763856100.000200", ConversationKind.PUBLIC
    )
    assert event.sender_name == "ann.lee"


def test_button_press_in_a_dm_addresses_the_dm() -> None:
    event = to_event(payload("block_actions_dm"))
    assert event is not None and event.vote is not None
    assert event.address == Address(Channel.SLACK, "D01DSTUD1", "", ConversationKind.DIRECT)
    assert event.vote.options == ("5",)


def test_reply_round_trip_goes_in_the_thread() -> None:
    event = to_event(payload("app_mention"))
    assert event is not None
    calls = post_calls(
        OutboundMessage(address=event.address, text="Thanks <3", reply_ref=event.reply_ref)
    )
    assert calls == [
        {"channel": "C01LIBRARY", "text": "Thanks &lt;3", "thread_ts": "1763856100.000200"}
    ]


def test_reply_in_a_dm_is_plain() -> None:
    event = to_event(payload("message_im"))
    assert event is not None
    calls = post_calls(
        OutboundMessage(address=event.address, text="Thanks", reply_ref=event.reply_ref)
    )
    assert calls == [{"channel": "D01DSTUD1", "text": "Thanks"}]


def test_buttons_become_an_actions_block() -> None:
    address = Address(Channel.SLACK, "D01DSTUD1")
    buttons = (Button("Good", "good"), Button("x" * 100, "bad"))
    (call,) = post_calls(OutboundMessage(address, "How was it?", buttons, poll_ref="poll:42"))
    section, actions = call["blocks"]
    assert section["text"]["text"] == "How was it?"
    assert actions["block_id"] == "poll:42"
    assert [e["action_id"] for e in actions["elements"]] == ["choice_0", "choice_1"]
    assert [e["value"] for e in actions["elements"]] == ["good", "bad"]
    assert len(actions["elements"][1]["text"]["text"]) == CAPABILITIES.max_option_chars == 75


def test_update_call_replaces_the_message() -> None:
    message = OutboundMessage(
        Address(Channel.SLACK, "C1", "1.0", ConversationKind.PUBLIC),
        "Tally: 3",
        (Button("A", "a"),),
    )
    call = update_call(message, "2.0")
    assert (
        call["ts"] == "2.0" and "thread_ts" not in call and call["blocks"][1]["type"] == "actions"
    )


def test_long_text_splits_at_paragraphs_under_the_limit() -> None:
    paragraph = ("The library is great. " * 900).strip()
    text = "\n\n".join([paragraph] * 5)
    calls = post_calls(
        OutboundMessage(Address(Channel.SLACK, "C1", "1.0", ConversationKind.PUBLIC), text)
    )
    assert len(calls) > 1 and all(len(c["text"]) <= MAX_TEXT for c in calls)
    assert all(c["text"].endswith(".") and c["thread_ts"] == "1.0" for c in calls)
    assert all(set(c["text"].split("\n\n")) == {paragraph} for c in calls)
    assert "\n\n".join(c["text"] for c in calls) == text


def test_long_text_with_buttons_fits_a_section() -> None:
    text = "word " * 2000
    calls = post_calls(OutboundMessage(Address(Channel.SLACK, "D1"), text, (Button("OK", "ok"),)))
    assert all(len(c["text"]) <= MAX_SECTION_TEXT for c in calls)
    assert "blocks" in calls[-1] and all("blocks" not in c for c in calls[:-1])


def test_split_prefers_sentences_then_words_then_hard_cuts() -> None:
    assert split_text("One two. Three four.", 12) == ["One two.", "Three four."]
    assert split_text("alpha beta gamma", 11) == ["alpha beta", "gamma"]
    assert split_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]
    assert split_text("   ", 10) == []


def test_escaped_pieces_still_fit() -> None:
    pieces = split_escaped("<&>" * 20, 20)
    assert all(len(p) <= 20 for p in pieces)
    assert "".join(pieces) == "&lt;&amp;&gt;" * 20
