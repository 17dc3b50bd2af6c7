"""The outbox's JSON form of a message: typed fields round-trip, and rows queued in the old
format (``kind`` + ``meta`` strings) still load as the same typed message."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.events import (
    Address,
    Button,
    Channel,
    ConversationKind,
    Image,
    OutboundMessage,
    PollPost,
    utcnow,
)
from models.store.outbox.message_json import from_payload, row_kind, to_payload

GROUP = Address(Channel.SLACK, chat="C1", thread="17.1", kind=ConversationKind.GROUP)


def v1(text: str, *, kind: str = "text", meta: dict[str, str], buttons: list[list[str]]) -> dict:
    return {
        "address": {"chat": "C1", "thread": "17.1", "kind": "group", "extra": {}},
        "text": text,
        "buttons": buttons,
        "reply_ref": "",
        "kind": kind,
        "meta": meta,
    }


@pytest.mark.parametrize(
    "message",
    [
        OutboundMessage(address=GROUP, text="Hello", reply_ref="17.0"),
        OutboundMessage(
            address=GROUP, text="Q?", buttons=(Button("Yes", "fbpoll-3:y"),), poll_ref="fbpoll-3"
        ),
        OutboundMessage(
            address=GROUP,
            text="Q?",
            poll_ref="fbpoll-4",
            poll=PollPost(
                "Q?",
                ("A", "B"),
                multi=True,
                anonymous=True,
                closes_at=datetime(2027, 1, 2, tzinfo=UTC),
            ),
        ),
        OutboundMessage(address=GROUP, text="closed", poll_ref="fbpoll-4", edit_of="17.5"),
        OutboundMessage(address=GROUP, text="noted", private_to="U1", reply_hook="https://h/1"),
        OutboundMessage(
            address=GROUP,
            text="digest",
            subject="The digest",
            html="<p>digest</p>",
            images=(Image("sentiment.2026-W48@feedbot", b"\x89PNG\r\n\x00\xff", "alt"),),
        ),
    ],
)
def test_every_field_round_trips(message: OutboundMessage) -> None:
    assert from_payload(Channel.SLACK, to_payload(message)) == message


def test_a_chat_message_carries_no_mail_fields() -> None:
    payload = to_payload(OutboundMessage(address=GROUP, text="Hello"))
    assert not {"subject", "html", "images"} & set(payload)


def test_a_version_1_button_poll_edit_and_private_answer_load_typed() -> None:
    buttons = [["Yes", "fbpoll-3:y"], ["No", "fbpoll-3:n"]]
    poll = from_payload(
        Channel.SLACK, v1("Q?", kind="poll", meta={"poll_ref": "fbpoll-3"}, buttons=buttons)
    )
    assert (poll.poll_ref, poll.poll, poll.buttons[1]) == (
        "fbpoll-3",
        None,
        Button("No", "fbpoll-3:n"),
    )
    tally = v1(
        "Q? 2 answers",
        kind="poll",
        meta={"poll_ref": "fbpoll-3", "edit_ref": "17.9"},
        buttons=buttons,
    )
    assert from_payload(Channel.SLACK, tally).edit_of == "17.9"
    private = v1("Thanks", meta={"ephemeral_to": "U7", "reply_hook": "https://h/2"}, buttons=[])
    loaded = from_payload(Channel.SLACK, private)
    assert (loaded.private_to, loaded.reply_hook, loaded.poll_ref) == ("U7", "https://h/2", "")


def test_a_version_1_native_telegram_poll_becomes_a_poll_post() -> None:
    raw = v1(
        "Pick",
        kind="poll",
        meta={"poll_ref": "fbpoll-5", "multiple": "true", "native": "true"},
        buttons=[["A", "1"], ["B", "2"]],
    )
    loaded = from_payload(Channel.TELEGRAM, raw)
    assert loaded.poll == PollPost("Pick", ("A", "B"), multi=True)
    assert loaded.buttons == () and loaded.poll_ref == "fbpoll-5"


def test_a_version_1_x_poll_keeps_its_duration_from_now() -> None:
    raw = v1(
        "Pick",
        kind="poll",
        meta={"poll_ref": "fbpoll-6", "duration_minutes": "90"},
        buttons=[["A", "1"], ["B", "2"]],
    )
    loaded = from_payload(Channel.X, raw)
    assert loaded.poll is not None and loaded.poll.closes_at is not None
    left = loaded.poll.closes_at - utcnow()
    assert timedelta(minutes=90) <= left <= timedelta(minutes=91)


def test_a_version_newer_than_this_bot_is_refused_by_name() -> None:
    payload = to_payload(OutboundMessage(address=GROUP, text="x")) | {"v": 99}
    with pytest.raises(ValueError, match="version 99"):
        from_payload(Channel.SLACK, payload)


def test_the_row_kind_says_poll_poll_closed_or_text() -> None:
    ask = OutboundMessage(address=GROUP, text="Q", buttons=(Button("a", "r:a"),), poll_ref="r")
    close = OutboundMessage(address=GROUP, text="closed", poll_ref="r", edit_of="1")
    prompt = OutboundMessage(address=GROUP, text="Reply 1-5", poll_ref="r")
    assert [row_kind(m) for m in (ask, close, prompt)] == ["poll", "poll_closed", "text"]
