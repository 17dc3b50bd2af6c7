"""X adapter, pure parts: payload translation, text splitting, webhook signatures, URL rewriting."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from yarl import URL

from bot.adapters.x import from_settings
from bot.adapters.x.send import addressed, poll_body, with_choices
from bot.adapters.x.session import rewrite
from bot.adapters.x.split import split_text, weighted_length
from bot.adapters.x.translate import one_to_one_id, to_event, usernames_of, webhook_events
from bot.adapters.x.webhook import crc_response, sign, verify
from bot.events import (
    Address,
    Button,
    Channel,
    ConversationKind,
    EventKind,
    OutboundMessage,
    PollPost,
    utcnow,
)
from config.settings import Settings
from tests.fakes.cursors import MemoryCursors
from tests.fakes.x import sign_webhook

PAYLOADS = Path(__file__).parent / "payloads" / "x"
ME = "1500000000000000001"


def load(name: str) -> Any:
    return json.loads((PAYLOADS / name).read_text())


def test_mentions_page_becomes_events_without_own_tweets_or_retweets() -> None:
    page = load("mentions_page.json")
    users = usernames_of(page["includes"])
    events = [e for t in page["data"] if (e := to_event(t, me=ME, usernames=users))]
    assert [e.platform_id for e in events] == [
        "1860000000000009000",
        "1860000000000005500",
        "1860000000000005000",
    ]
    first = events[-1]
    assert first.channel is Channel.X and first.kind is EventKind.MESSAGE
    assert first.sender == "2200000000000000002" and first.sender_name == "student_b"
    assert first.text == "the printers on the 3rd floor are down again"
    assert first.reply_ref == "1860000000000005000"
    assert first.address.kind is ConversationKind.PUBLIC
    assert first.address.chat == "1860000000000005000"
    assert first.address.thread == "2200000000000000002"
    assert dict(first.address.extra) == {
        "author_id": "2200000000000000002",
        "username": "student_b",
    }
    assert first.occurred_at == datetime(2026, 11, 22, 23, 40, tzinfo=UTC)


def test_reply_in_a_conversation_keeps_the_root_as_chat() -> None:
    page = load("mentions_page.json")
    event = to_event(page["data"][3], me=ME, usernames=usernames_of(page["includes"]))
    assert event is not None
    assert event.address.chat == "1860000000000005000"
    assert event.text == "still broken on the 3rd floor"
    assert event.replies_to == page["data"][3]["referenced_tweets"][0]["id"]  # finds its item
    first = to_event(page["data"][4], me=ME)
    assert first is not None and first.replies_to == ""  # replies to nothing


def test_edited_tweet_is_an_edit_event() -> None:
    page = load("mentions_page.json")
    event = to_event(page["data"][0], me=ME)
    assert event is not None and event.kind is EventKind.EDIT
    assert event.platform_id == event.reply_ref == "1860000000000009000"


def test_dm_events_become_direct_and_group_messages() -> None:
    page = load("dm_events_page.json")
    events = [e for d in page["data"] if (e := to_event(d, me=ME))]
    assert [e.platform_id for e in events] == ["1860000000000013000", "1860000000000012000"]
    direct, group = events
    assert direct.address.kind is ConversationKind.DIRECT
    assert direct.address.chat == "1500000000000000001-2200000000000000004"
    assert dict(direct.address.extra) == {"participant_id": "2200000000000000004"}
    assert direct.text == "Can I renew a book that someone has reserved?"
    assert group.address.kind is ConversationKind.GROUP
    assert group.address.chat == "1860000000000011000"


def test_webhook_tweet_create_skips_the_bots_own_tweet() -> None:
    events = webhook_events(load("webhook_tweet_create.json"))
    assert len(events) == 1
    event = events[0]
    assert event.platform_id == "1860000000000020000" and event.sender == "2200000000000000006"
    assert event.text.startswith("the silent study area")
    assert event.address.kind is ConversationKind.PUBLIC and event.sender_name == "student_f"
    assert event.occurred_at == datetime(2026, 11, 23, 0, 10, tzinfo=UTC)


def test_webhook_dm_matches_the_polled_conversation_id() -> None:
    (event,) = webhook_events(load("webhook_dm.json"))
    assert event.platform_id == "1860000000000030000"
    assert event.address.chat == one_to_one_id(ME, "2200000000000000007")
    assert event.address.chat == "1500000000000000001-2200000000000000007"
    assert dict(event.address.extra) == {"participant_id": "2200000000000000007"}
    assert event.sender_name == "student_g" and event.text == "Is the library open on Sunday?"


def test_webhook_ignores_unknown_event_types() -> None:
    assert webhook_events({"for_user_id": ME, "favorite_events": [{"id": "1"}]}) == []


def test_weighted_length_counts_urls_and_wide_characters() -> None:
    assert weighted_length("hello") == 5
    assert weighted_length("see https://example.org/a/very/long/path/indeed") == 4 + 23
    assert weighted_length("図書館") == 6


@pytest.mark.parametrize("limit", [280, 60])
def test_split_prefers_sentences_and_words_and_keeps_every_word(limit: int) -> None:
    text = " ".join(f"Sentence number {n} is about the library opening hours." for n in range(12))
    parts = split_text(text, limit, weighted_length)
    assert len(parts) > 1
    assert all(weighted_length(p) <= limit for p in parts)
    assert " ".join(parts).split() == text.split()
    if limit == 280:
        assert all(p.endswith(".") for p in parts)


def test_split_cuts_an_overlong_word_and_keeps_short_text_whole() -> None:
    assert split_text("short", 280) == ["short"]
    parts = split_text("x" * 600, 280)
    assert [len(p) for p in parts] == [280, 280, 40]


def test_webhook_signature_and_crc() -> None:
    body = b'{"for_user_id": "1"}'
    assert sign("secret", body) == sign_webhook("secret", body)
    assert verify("secret", body, sign_webhook("secret", body))
    assert not verify("secret", body, sign_webhook("other", body))
    assert not verify("secret", body, None)
    assert crc_response("secret", "tok") == {"response_token": sign_webhook("secret", b"tok")}


@pytest.mark.parametrize("token", ["", "A" * 129, '{"a":1}', "[1]", "a b", "a\nb", "é", 'a"'])
def test_crc_refuses_to_sign_what_is_not_shaped_like_an_x_token(token: str) -> None:
    with pytest.raises(ValueError):
        crc_response("secret", token)


def test_rewrite_keeps_path_and_encoded_query() -> None:
    original = URL("https://api.twitter.com/2/users/1/mentions?since_id=5&t=a%3Ab", encoded=True)
    moved = rewrite(original, URL("http://127.0.0.1:8123"))
    assert str(moved) == "http://127.0.0.1:8123/2/users/1/mentions?since_id=5&t=a%3Ab"
    assert rewrite(original, URL("https://proxy.example/x/")).path == "/x/2/users/1/mentions"
    assert rewrite(original, URL("https://api.twitter.com")) is original


def _public(**extra: str) -> OutboundMessage:
    address = Address(Channel.X, "9", thread="7", kind=ConversationKind.PUBLIC, extra=extra)
    buttons = (Button("Yes", "y"), Button("Not really, it was too noisy to work", "n"))
    return OutboundMessage(address=address, text="Was it quiet?", buttons=buttons, reply_ref="9")


def test_buttons_degrade_to_numbered_choices_and_polls_clip_labels() -> None:
    message = _public(author_id="7", username="student_a")
    assert with_choices(message).endswith("1. Yes\n2. Not really, it was too noisy to work")
    assert addressed(message, "hi") == "@student_a hi"
    poll = PollPost("Was it quiet?", tuple(b.label for b in message.buttons))
    assert poll_body(poll, utcnow()) == {
        "poll_options": ["Yes", "Not really, it was too no"],
        "poll_duration_minutes": 1440,
    }
    closing = utcnow() + timedelta(minutes=90, seconds=30)
    assert poll_body(replace(poll, closes_at=closing), utcnow())["poll_duration_minutes"] == 90


def test_from_settings_needs_all_four_keys(make_settings: Callable[..., Settings]) -> None:
    keys = {
        "x_consumer_key": "ck",
        "x_consumer_secret": "cs",
        "x_access_token": "1-at",
        "x_access_token_secret": "ats",
    }
    assert from_settings(make_settings(), MemoryCursors()) is None
    partial = {**keys, "x_access_token_secret": ""}
    assert from_settings(make_settings(**partial), MemoryCursors()) is None
    adapter = from_settings(make_settings(**keys, x_api_url="http://127.0.0.1:9"), MemoryCursors())
    assert adapter is not None and adapter.capabilities.max_text == 280
    assert [r.path for r in adapter.routes()] == ["/x/webhook", "/x/webhook"]  # type: ignore[attr-defined]
