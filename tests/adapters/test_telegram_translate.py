"""Pure translation and formatting for Telegram, against recorded Bot API 10.0 payloads."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from telegram import Update

from bot.adapters.telegram import to_event
from bot.adapters.telegram.outbound import keyboard, message_id_of, reply_to, split_text, units
from bot.events import Button, Channel, ConversationKind, EventKind, Vote

PAYLOADS = Path(__file__).parent / "payloads" / "telegram"


def load(name: str) -> dict[str, Any]:
    """One recorded update as JSON."""
    data: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text())
    return data


def event_of(name: str):  # type: ignore[no-untyped-def]
    """Recorded update → PTB Update → our event."""
    return to_event(Update.de_json(load(name), None))


def test_private_message() -> None:
    event = event_of("message_private")
    assert event is not None
    assert event.channel is Channel.TELEGRAM
    assert event.kind is EventKind.MESSAGE
    assert event.platform_id == "5550001:17"
    assert event.sender == "5550001"
    assert event.sender_name == "Ada Lovelace"
    assert event.text == "The third floor is too cold to study"
    assert event.reply_ref == "17"
    assert event.address.chat == "5550001"
    assert event.address.thread == ""
    assert event.address.kind is ConversationKind.DIRECT
    assert event.occurred_at == datetime.fromtimestamp(1795000000, UTC)


def test_forum_topic_message_keeps_the_topic() -> None:
    event = event_of("message_forum_topic")
    assert event is not None
    assert event.platform_id == "-1001234567890:4410"
    assert event.address.chat == "-1001234567890"
    assert event.address.thread == "4402"
    assert event.address.kind is ConversationKind.GROUP


def test_edit_refers_to_the_original() -> None:
    event = event_of("edited_message")
    assert event is not None
    assert event.kind is EventKind.EDIT
    assert event.platform_id == "update:870001003"
    assert event.reply_ref == "17"
    assert event.text.startswith("The third floor is far too cold")
    assert event.occurred_at == datetime.fromtimestamp(1795000030, UTC)


def test_button_tap_is_a_vote() -> None:
    event = event_of("callback_query")
    assert event is not None
    assert event.kind is EventKind.VOTE
    assert event.vote == Vote(poll_ref="poll:12", options=("4",))
    assert event.platform_id == "update:870001004"
    assert event.address.chat == "5550001"
    assert event.reply_ref == "1001"


def test_poll_answer_is_a_vote() -> None:
    event = event_of("poll_answer")
    assert event is not None
    assert event.kind is EventKind.VOTE
    assert event.vote == Vote(poll_ref="5432109876543210987", options=("2",))
    assert event.sender == "5550002"
    assert event.platform_id == "update:870001005"


def test_retracted_poll_answer_has_no_options() -> None:
    event = event_of("poll_answer_retracted")
    assert event is not None
    assert event.vote == Vote(poll_ref="5432109876543210987", options=())


def test_caption_counts_as_text() -> None:
    event = event_of("message_photo_caption")
    assert event is not None
    assert event.text == "This printer has been broken since Monday"


@pytest.mark.parametrize("name", ["poll", "message_sticker"])
def test_updates_without_a_person_or_text_are_skipped(name: str) -> None:
    assert event_of(name) is None


@pytest.mark.parametrize("odd", [["a"], 12345, {"t": "x"}, True, 1.5])
def test_fields_of_the_wrong_type_read_as_absent(odd: object) -> None:
    message = load("message_private")
    message["message"]["text"] = odd
    assert to_event(Update.de_json(message, None)) is None
    message["message"]["text"] = "hello"
    message["message"]["from"]["first_name"] = odd
    event = to_event(Update.de_json(message, None))
    assert event is not None and isinstance(event.sender_name, str)
    tap = load("callback_query")
    tap["callback_query"]["data"] = odd
    assert to_event(Update.de_json(tap, None)) is None


def test_every_recorded_payload_parses_under_the_pinned_sdk() -> None:
    for path in PAYLOADS.glob("*.json"):
        assert Update.de_json(json.loads(path.read_text()), None).update_id > 0, path.name


def test_short_text_is_one_chunk() -> None:
    assert split_text("Thanks, we have passed this on.") == ["Thanks, we have passed this on."]


def test_long_text_splits_at_paragraphs_first() -> None:
    first, second = "a" * 3000, "b" * 3000
    assert split_text(f"{first}\n\n{second}") == [first, second]


def test_long_text_splits_at_sentences_then_words() -> None:
    sentence = "The library opens at nine. "
    chunks = split_text(sentence * 400)
    assert all(units(c) <= 4096 for c in chunks)
    assert all(c.endswith("nine.") for c in chunks)
    words = split_text("word " * 2000)
    assert all(units(c) <= 4096 and not c.endswith("wor") for c in words)
    assert " ".join(words) == ("word " * 2000).strip()


def test_splitting_counts_utf16_units() -> None:
    text = "📚" * 3000  # 2 units each
    chunks = split_text(text)
    assert [units(c) for c in chunks] == [4096, 1904]
    assert "".join(chunks) == text


def test_unbroken_text_is_cut_hard() -> None:
    chunks = split_text("x" * 5000)
    assert [len(c) for c in chunks] == [4096, 904]


def test_buttons_become_an_inline_keyboard() -> None:
    markup = keyboard((Button("Good", "poll:12:1"), Button("Bad", "poll:12:2")))
    assert markup is not None
    assert [[b.callback_data for b in row] for row in markup.inline_keyboard] == [
        ["poll:12:1"],
        ["poll:12:2"],
    ]
    assert keyboard(()) is None


def test_button_data_over_64_bytes_is_refused() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        keyboard((Button("x", "v" * 65),))


def test_reply_refs() -> None:
    assert message_id_of("17") == 17
    assert message_id_of("-1001234567890:4410") == 4410
    assert message_id_of("") is None
    params = reply_to("5550001:17")
    assert params is not None and params.message_id == 17
