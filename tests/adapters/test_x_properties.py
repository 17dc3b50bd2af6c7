"""X translation (API v2 items, Account Activity deliveries), for any payload: storable events
or nothing; never a crash."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.x.translate import to_event, usernames_of, webhook_events
from bot.storable import problems
from tests.support.strangers import any_text, ids, json_values, maybe

ME = "1000"
times = st.sampled_from(["2024-05-01T10:00:00.000Z", "2024-05-01T10:00:00", "1714557600000"])
when = maybe(times | any_text | st.just("99999999999999999999"))


@st.composite
def tweets(draw: st.DrawFn) -> dict[str, Any]:
    """An API v2 tweet."""
    tweet_id = draw(maybe(ids))
    return {
        "id": tweet_id,
        "author_id": draw(maybe(ids)),
        "text": draw(maybe(any_text)),
        "conversation_id": draw(maybe(ids)),
        "edit_history_tweet_ids": draw(maybe(st.lists(ids, max_size=2))),
        "created_at": draw(when),
        "referenced_tweets": draw(maybe(st.lists(st.fixed_dictionaries({"type": any_text})))),
    }


@st.composite
def dms(draw: st.DrawFn) -> dict[str, Any]:
    """An API v2 DM event."""
    return {
        "event_type": draw(maybe(st.just("MessageCreate"))),
        "id": draw(maybe(ids)),
        "sender_id": draw(maybe(ids)),
        "dm_conversation_id": draw(maybe(ids)),
        "text": draw(maybe(any_text)),
        "created_at": draw(when),
    }


@st.composite
def deliveries(draw: st.DrawFn) -> dict[str, Any]:
    """An Account Activity delivery: v1.1 tweets and DMs."""
    user = {"id_str": draw(maybe(ids)), "screen_name": draw(maybe(any_text))}
    tweet = {
        "id_str": draw(maybe(ids)),
        "user": draw(maybe(st.just(user))),
        "text": draw(maybe(any_text)),
        "extended_tweet": draw(maybe(st.fixed_dictionaries({"full_text": any_text}))),
        "in_reply_to_status_id_str": draw(maybe(ids)),
        "created_at": draw(when),
    }
    dm = {
        "type": draw(maybe(st.just("message_create"))),
        "id": draw(maybe(ids)),
        "created_timestamp": draw(when),
        "message_create": {
            "sender_id": draw(maybe(ids)),
            "target": {"recipient_id": draw(maybe(ids))},
            "message_data": {"text": draw(maybe(any_text))},
        },
    }
    return {
        "for_user_id": draw(maybe(st.just(ME))),
        "tweet_create_events": draw(maybe(st.lists(maybe(st.just(tweet)), max_size=2))),
        "direct_message_events": draw(maybe(st.lists(maybe(st.just(dm)), max_size=2))),
        "users": draw(
            maybe(st.dictionaries(any_text, st.fixed_dictionaries({"screen_name": any_text})))
        ),
    }


@settings(max_examples=300, deadline=None)
@given(st.one_of(tweets(), dms(), json_values.filter(lambda v: isinstance(v, dict))))
def test_any_v2_item_translates_to_a_storable_event_or_none(item: dict[str, Any]) -> None:
    usernames = usernames_of({"users": [{"id": item.get("author_id"), "username": "\x00\ud800"}]})
    event = to_event(item, me=ME, usernames=usernames)
    assert event is None or problems(event) == []


@settings(max_examples=200, deadline=None)
@given(st.one_of(deliveries(), json_values))
def test_any_webhook_delivery_gives_storable_events(payload: Any) -> None:
    assert all(problems(e) == [] for e in webhook_events(payload))
