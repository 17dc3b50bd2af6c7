"""The platform doors' share of the fuzz benchmark: signed, valid deliveries and hostile requests
for POST /slack/events, GET and POST /x/webhook and POST /telegram/webhook, with the settings
that open those doors on local fakes (FakeSlack, FakeX, FakeTelegram)."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

from tests.fakes import telegram_payloads as tp
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_driver import event_envelope
from tests.fakes.slack_driver import sign as slack_sign
from tests.fakes.telegram import FakeTelegram
from tests.fakes.x.server import FakeX
from tests.fakes.x.webhook import sign_webhook, tweet_create_payload

JSON_TYPE = {"content-type": "application/json"}
SLACK_SECRET = "fuzz-slack-signing-secret-0123456789"
TELEGRAM_SECRET = "fuzz-telegram-webhook-secret-0123"
DOOR_CAP = 1024 * 1024
Signer = Callable[[bytes], dict[str, str]]


@dataclass(frozen=True)
class Request:
    """One request to send: method, path, body, headers; ``sign`` adds headers at send time;
    ``valid_key`` ("channel/platform id") and ``ok`` (its status) when it is a valid message."""

    method: str
    path: str
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    valid_key: str = ""
    ok: int = 202
    sign: Signer | None = None


@dataclass(frozen=True)
class Doors:
    """What the requests need to know of the fakes behind the doors."""

    x_secret: str
    x_me: str

    @staticmethod
    def settings(slack: FakeSlack, x: FakeX, telegram: FakeTelegram) -> dict[str, str]:
        """FEEDBOT_* settings (lower-case) that open the three doors on the fakes."""
        return {
            "slack_bot_token": slack.identity.bot_token,
            "slack_signing_secret": SLACK_SECRET,
            "slack_api_url": slack.api_url,
            "x_consumer_key": x.keys.consumer_key,
            "x_consumer_secret": x.keys.consumer_secret,
            "x_access_token": x.keys.access_token,
            "x_access_token_secret": x.keys.access_token_secret,
            "x_api_url": x.url,
            "x_webhook_enabled": "true",
            "telegram_token": telegram.token,
            "telegram_api_url": telegram.url,
            "telegram_webhook_secret": TELEGRAM_SECRET,
        }


def slack_signer(secret: str = SLACK_SECRET, age_s: int = 0) -> Signer:
    """Slack's v0 signature, made when the request is sent (``age_s`` seconds in the past)."""

    def sign(body: bytes) -> dict[str, str]:
        ts = str(int(time.time()) - age_s)
        return {"x-slack-request-timestamp": ts, "x-slack-signature": slack_sign(secret, ts, body)}

    return sign


def x_signer(secret: str) -> Signer:
    """X's webhook signature of the body."""
    return lambda body: {"x-twitter-webhooks-signature": sign_webhook(secret, body)}


def telegram_secret(secret: str = TELEGRAM_SECRET) -> Signer:
    """Telegram's secret-token header."""
    return lambda _: {"x-telegram-bot-api-secret-token": secret}


def slack_valid(i: int, text: str) -> Request:
    """A signed Events API message in a DM."""
    ts = f"{1763856000 + i}.{i % 1_000_000:06d}"
    event = {"type": "message", "channel": "D0FUZZ01", "channel_type": "im", "ts": ts}
    event |= {"user": f"U{i % 997:07d}", "text": text, "event_ts": ts}
    body = json.dumps(event_envelope(event, event_id=f"Ev{i:010d}")).encode()
    path, key = "/slack/events", f"slack/D0FUZZ01:{ts}"
    return Request("POST", path, body, JSON_TYPE, key, ok=200, sign=slack_signer())


def telegram_valid(i: int, text: str) -> Request:
    """A Telegram message update carrying the webhook secret."""
    person = tp.user(5_550_000 + i % 997, f"Reader{i % 997}")
    update = {"update_id": i + 1, **tp.message_update(text, message_id=i + 1, sender=person)}
    key = f"telegram/{person['id']}:{i + 1}"
    body = json.dumps(update).encode()
    return Request("POST", "/telegram/webhook", body, JSON_TYPE, key, 200, telegram_secret())


def x_valid(doors: Doors, i: int, text: str) -> Request:
    """A signed Account Activity delivery of one mention."""
    tweet_id = str(10**18 + i)
    payload = tweet_create_payload(
        for_user_id=doors.x_me,
        tweet_id=tweet_id,
        text=f"@uni_library {text}",
        author_id=str(2_200_000_000_000_000_000 + i % 997),
        screen_name=f"reader{i % 997}",
    )
    body = json.dumps(payload).encode()
    return Request(
        "POST", "/x/webhook", body, JSON_TYPE, f"x/{tweet_id}", 200, x_signer(doors.x_secret)
    )


def door_valid(rng: random.Random, doors: Doors, i: int, text: str) -> Request:
    """A valid message through one of the three doors."""
    door = rng.choice(["slack", "telegram", "x"])
    if door == "slack":
        return slack_valid(i, text)
    if door == "telegram":
        return telegram_valid(i, text)
    return x_valid(doors, i, text)


def door_malformed(rng: random.Random, doors: Doors, i: int) -> Request:
    """One of many ways a request to a platform's door can be wrong or forged."""
    if rng.random() < 0.002:  # rare: a megabyte each
        path = rng.choice(["/slack/events", "/x/webhook", "/telegram/webhook"])
        return Request("POST", path, b" " * (DOOR_CAP + 1), JSON_TYPE)
    return rng.choice(_hostile(doors, i))()


def _hostile(doors: Doors, i: int) -> list[Callable[[], Request]]:
    """Builders of hostile requests (forged, unsigned, malformed, odd-typed)."""
    slack, x, tg = "/slack/events", "/x/webhook", "/telegram/webhook"
    valid_slack, valid_x = slack_valid(i, "forged"), x_valid(doors, i, "forged")
    odd_text = {"update_id": i + 1, **tp.message_update("x", message_id=i + 1)}
    odd_text["message"]["text"] = ["a"]
    ts_header = {"x-slack-request-timestamp": "abc", "x-slack-signature": "v0=00"}
    crc_attack = "/x/webhook?crc_token=" + _quoted(valid_x.body)
    return [
        *(_raw(slack, b) for b in (b"{", b"null", b"\xff\xfe", b"[1]", b"payload=%7B")),
        lambda: Request("POST", slack, b"{}", JSON_TYPE | ts_header),
        lambda: _resigned(valid_slack, slack_signer(age_s=600)),
        lambda: _resigned(valid_slack, slack_signer("not-the-secret")),
        lambda: _resigned(_raw(slack, b"{")(), slack_signer()),
        lambda: Request("GET", crc_attack),
        lambda: Request("GET", "/x/webhook?crc_token=" + "A" * 5000),
        lambda: Request("GET", "/x/webhook?crc_token=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA=="),
        lambda: _resigned(valid_x, lambda _: {"x-twitter-webhooks-signature": "sha256=AAAA"}),
        lambda: _resigned(_raw(x, b"[1]")(), x_signer(doors.x_secret)),
        *(_raw(x, b) for b in (b"{", b"\xff", b"null")),
        *(_raw(tg, b) for b in (b"{", b"null")),
        lambda: _resigned(_raw(tg, b"\xff")(), telegram_secret()),
        lambda: _resigned(_raw(tg, json.dumps(odd_text).encode())(), telegram_secret()),
        lambda: _resigned(_raw(tg, b'{"update_id": 1, "message": 5}')(), telegram_secret()),
        lambda: _resigned(_raw(tg, json.dumps(odd_text).encode())(), telegram_secret("wrong")),
    ]


def _raw(path: str, body: bytes) -> Callable[[], Request]:
    return lambda: Request("POST", path, body, JSON_TYPE)


def _resigned(request: Request, sign: Signer) -> Request:
    """The request without its valid key, signed by ``sign``."""
    return Request(request.method, request.path, request.body, request.headers, sign=sign)


def _quoted(body: bytes) -> str:
    return quote(body.decode("utf-8"), safe="")


def headers_of(request: Request) -> dict[str, str]:
    """The request's headers, signed now when it has a signer."""
    return request.headers | (request.sign(request.body) if request.sign else {})


def door_of(request: Request) -> str:
    """Which door a request went to, for the per-door tally."""
    for prefix, name in (("/slack", "slack"), ("/x/", "x"), ("/telegram", "telegram")):
        if request.path.startswith(prefix):
            return name
    return "widget"
