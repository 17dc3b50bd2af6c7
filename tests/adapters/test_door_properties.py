"""Property: whatever bytes and headers a stranger sends to a platform's door (POST /slack/events,
GET and POST /x/webhook, POST /telegram/webhook) over real HTTP into the running bot, the answer
is never a 5xx, and nothing is stored unless the request was signed (or carried the secret)."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.adapters.telegram.webhook import SECRET_HEADER
from bot.adapters.x.webhook import SIGNATURE_HEADER
from tests.fakes import telegram_payloads as tp
from tests.fakes.slack_driver import event_envelope
from tests.fakes.slack_driver import sign as slack_sign
from tests.fakes.x.webhook import sign_webhook, tweet_create_payload
from tests.support.doors import SIGNING_SECRET, TELEGRAM_SECRET, Doors, serving_doors
from tests.support.strangers import json_values, texts

FAST = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
HEADER_TEXT = st.text(
    st.characters(min_codepoint=32, max_codepoint=255, exclude_characters="\x7f"), max_size=40
)
"""Any header value HTTP/1.1 can carry (visible Latin-1, spaces); the server refuses others."""
X_SHAPED = re.compile(r"[A-Za-z0-9+/_=-]{1,128}")
"""What X's crc_token looks like: base64 or URL-safe characters, never JSON."""
CONTENT_TYPES = st.sampled_from(
    ["application/json", "application/x-www-form-urlencoded", "text/plain", "", "multipart/x"]
)


@pytest.fixture(scope="module")
def doors(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Doors, httpx.Client]]:
    """One bot, its three webhook doors open, for every example of this module."""
    with (
        serving_doors(tmp_path_factory.mktemp("doors")) as world,
        httpx.Client(base_url=world.url, timeout=30) as http,
    ):
        yield world, http


def encoded(value: Any) -> bytes:
    """JSON bytes as a careless client writes them (lone surrogates passed through)."""
    return json.dumps(value).encode("utf-8", "surrogatepass")


def slack_bodies() -> st.SearchStrategy[bytes]:
    """Anything: bytes, any JSON, a form, or a real-shaped event with a stranger's text."""
    event = st.builds(
        lambda text, n: event_envelope(
            {"type": "message", "channel": "D0PROP", "user": "U0PROP", "text": text, "ts": n},
            event_id=f"Ev{n}",
        ),
        texts,
        st.integers(1, 10**9).map(lambda n: f"{n}.000100"),
    )
    forms = st.dictionaries(texts, texts, max_size=3).map(
        lambda d: "&".join(f"{k}={v}" for k, v in d.items()).encode("utf-8", "surrogatepass")
    )
    return st.binary(max_size=300) | json_values.map(encoded) | event.map(encoded) | forms


def header_values(draw: st.DrawFn, names: list[str]) -> dict[str, bytes]:
    """Some of ``names`` with a stranger's value (any Latin-1 text, sent as raw bytes)."""
    chosen = draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names)))
    return {n: draw(HEADER_TEXT).strip(" ").encode("latin-1") for n in chosen}


@FAST
@given(data=st.data(), body=slack_bodies(), how=st.sampled_from(["right", "wrong", "stale", "no"]))
def test_slack_events_door(
    doors: tuple[Doors, httpx.Client], data: st.DataObject, body: bytes, how: str
) -> None:
    world, http = doors
    before = world.inbound()
    headers: dict[str, str | bytes] = {"content-type": data.draw(CONTENT_TYPES)}
    headers |= header_values(
        data.draw, ["x-slack-request-timestamp", "x-slack-signature", "cookie"]
    )
    if how != "no":
        ts = str(int(time.time()) - (600 if how == "stale" else 0))
        secret = SIGNING_SECRET if how != "wrong" else "not-the-signing-secret"
        headers |= {
            "x-slack-request-timestamp": ts,
            "x-slack-signature": slack_sign(secret, ts, body),
        }
    answer = http.post("/slack/events", content=body, headers=headers)
    assert answer.status_code < 500, answer.text
    if how != "right":
        assert answer.status_code in {400, 401}  # 400: a signed body bolt cannot read
        assert world.inbound() == before


def x_bodies() -> st.SearchStrategy[bytes]:
    """Anything, or a real-shaped Account Activity delivery with a stranger's text."""
    tweet = st.builds(
        lambda text, n: tweet_create_payload(
            for_user_id="1000", tweet_id=str(n), text=text, author_id="2200", screen_name="s"
        ),
        texts,
        st.integers(1, 10**15),
    )
    return st.binary(max_size=300) | json_values.map(encoded) | tweet.map(encoded)


@FAST
@given(data=st.data(), body=x_bodies(), how=st.sampled_from(["right", "crc", "wrong", "no"]))
def test_x_webhook_door(
    doors: tuple[Doors, httpx.Client], data: st.DataObject, body: bytes, how: str
) -> None:
    world, http = doors
    before = world.inbound()
    headers: dict[str, str | bytes] = {"content-type": data.draw(CONTENT_TYPES)}
    headers |= header_values(data.draw, [SIGNATURE_HEADER, "cookie"])
    if how == "right":
        headers[SIGNATURE_HEADER] = sign_webhook(world.x_secret, body)
    elif how == "crc":  # the attack: ask the CRC route to sign the body
        crc = http.get("/x/webhook", params={"crc_token": body.decode("latin-1")})
        assert crc.status_code in {200, 400}
        headers[SIGNATURE_HEADER] = crc.json().get("response_token", "sha256=")
    elif how == "wrong":
        headers[SIGNATURE_HEADER] = sign_webhook("not-the-consumer-secret", body)
    answer = http.post("/x/webhook", content=body, headers=headers)
    assert answer.status_code < 500, answer.text
    if how != "right":
        assert answer.status_code in {400, 401}
        assert world.inbound() == before


@FAST
@given(token=st.one_of(texts, json_values.map(json.dumps), st.from_regex(X_SHAPED, fullmatch=True)))
def test_x_crc_signs_only_x_shaped_tokens(doors: tuple[Doors, httpx.Client], token: str) -> None:
    world, http = doors
    answer = http.get("/x/webhook", params={"crc_token": token.encode("utf-8", "surrogatepass")})
    assert answer.status_code in {200, 400}, answer.text
    sent = httpx.QueryParams(str(answer.request.url.query, "ascii")).get("crc_token", "")
    if answer.status_code == 200:
        assert X_SHAPED.fullmatch(sent) is not None
        assert answer.json() == {"response_token": sign_webhook(world.x_secret, sent.encode())}
    else:
        assert X_SHAPED.fullmatch(sent) is None


def telegram_bodies() -> st.SearchStrategy[bytes]:
    """Anything, or a real-shaped update whose fields hold any JSON."""
    update = st.builds(
        lambda n, text: (
            {"update_id": n, **tp.message_update("x", message_id=n)}
            | {"message": {**tp.message_update("x", message_id=n)["message"], "text": text}}
        ),
        st.integers(1, 2**31),
        json_values,
    )
    return st.binary(max_size=300) | json_values.map(encoded) | update.map(encoded)


@FAST
@given(data=st.data(), body=telegram_bodies(), how=st.sampled_from(["right", "wrong", "no"]))
def test_telegram_webhook_door(
    doors: tuple[Doors, httpx.Client], data: st.DataObject, body: bytes, how: str
) -> None:
    world, http = doors
    before = world.inbound()
    headers: dict[str, str | bytes] = {"content-type": data.draw(CONTENT_TYPES)}
    headers |= header_values(data.draw, [SECRET_HEADER, "cookie"])
    if how != "no":
        headers[SECRET_HEADER] = TELEGRAM_SECRET if how == "right" else TELEGRAM_SECRET + "x"
    answer = http.post("/telegram/webhook", content=body, headers=headers)
    assert answer.status_code < 500, answer.text
    if how != "right":
        assert answer.status_code in {400, 403}
        assert world.inbound() == before


@pytest.mark.parametrize("cookie", [b"\x80", b"a=\xff", b"feedbot_session=;<=", b"a=1; <=2"])
@pytest.mark.parametrize(
    "method, path", [("POST", "/slack/events"), ("GET", "/widget"), ("POST", "/inbox/login")]
)
def test_a_cookie_header_no_parser_can_read_is_ignored_never_a_5xx(
    doors: tuple[Doors, httpx.Client], cookie: bytes, method: str, path: str
) -> None:
    world, http = doors
    before = world.inbound()
    answer = http.request(method, path, headers={"cookie": cookie})
    assert answer.status_code < 500, answer.text
    assert world.inbound() == before
