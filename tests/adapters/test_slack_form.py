"""The interaction form decoded in C reads exactly as bolt's urllib decoding reads it, or is left
to bolt: for Slack's own posts, for any JSON, and for any bytes a stranger signs."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlencode

from hypothesis import given, settings
from hypothesis import strategies as st
from slack_bolt.request.internals import parse_body

from bot.adapters.slack.form import interaction_payload
from tests.fakes.slack_payloads import click
from tests.support.strangers import json_values

FORM = "application/x-www-form-urlencoded"


def bolts_reading(body: bytes) -> str:
    """The payload field as bolt finds it (urllib's parse_qsl over the UTF-8 text)."""
    return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))["payload"]


def test_a_poll_tap_is_decoded_here_to_what_bolt_reads() -> None:
    buttons = [{"type": "button", "action_id": "vote:3", "value": "3", "text": "3 Neutral"}]
    posted = {
        "channel": "C1",
        "blocks": [{"type": "actions", "block_id": "poll:7", "elements": buttons}],
    }
    body = urlencode({"payload": json.dumps(click(posted, 0, "U1", "https://hooks/x"))}).encode()
    decoded = interaction_payload(body)
    assert decoded is not None
    assert decoded == bolts_reading(body)
    assert parse_body(decoded, FORM) == parse_body(body.decode(), FORM)


@settings(max_examples=100)
@given(
    st.dictionaries(
        st.text(st.characters(exclude_categories=["Cs"]), max_size=20), json_values, max_size=6
    )
)
def test_any_json_object_reads_the_same(payload: dict[str, object]) -> None:
    for ascii_only in (True, False):
        try:
            body = urlencode({"payload": json.dumps(payload, ensure_ascii=ascii_only)}).encode()
        except UnicodeEncodeError:
            continue  # a lone surrogate in a value: no UTF-8 form to send
        decoded = interaction_payload(body)
        assert decoded is not None
        assert decoded == bolts_reading(body)
        assert parse_body(decoded, FORM) == parse_body(body.decode(), FORM)


@settings(max_examples=200)
@given(
    st.binary(max_size=300)
    | st.text(alphabet='payload=%+&{}"\r\n:0123456789abcdefABCDEFxz\\ é', max_size=60).map(
        lambda t: ("payload=" + t).encode()
    )
)
def test_any_body_is_read_as_bolt_reads_it_or_left_to_bolt(body: bytes) -> None:
    decoded = interaction_payload(body)
    if decoded is None:
        return  # bolt reads (or refuses) it as before
    assert decoded.startswith("{")
    assert decoded == bolts_reading(body)
    assert "&" not in body.decode() and body.count(b"=") == 1


def test_what_is_not_one_encoded_object_is_left_to_bolt() -> None:
    for body in (
        b"",
        b"payload=",  # bolt reads an empty payload as no JSON at all
        b"payload=%5B1%5D",  # a list, not an object
        b"payload=%7B%7D&x=1",  # a second field
        b"payload=%7Bx%zz%7D",  # not an escape
        b"payload=%7B%%41%7D",
        b"payload=%7B%4",
        b"payload=%7B%",
        b"payload=%7B=%7D",  # a bare '='
        b"payload=%7B\n%7D",
        'payload=%7B"é"%7D'.encode(),  # not ASCII as sent
        b'{"type": "event_callback"}',  # JSON, not a form
        b"token=x&payload=%7B%7D",
    ):
        assert interaction_payload(body) is None, body
