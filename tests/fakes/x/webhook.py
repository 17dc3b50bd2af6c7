"""X's side of the webhook: Account Activity payload builders, the signature, and a driver."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import UTC, datetime

import httpx

from tests.fakes.x.common import Json

SIGNATURE_HEADER = "x-twitter-webhooks-signature"


def sign_webhook(consumer_secret: str, data: bytes) -> str:
    """``sha256=`` + base64(HMAC-SHA256(consumer secret, data)), written apart from the bot's."""
    mac = hmac.new(consumer_secret.encode(), data, hashlib.sha256)
    return "sha256=" + base64.b64encode(mac.digest()).decode()


def _v1_time() -> str:
    return datetime.now(UTC).strftime("%a %b %d %H:%M:%S +0000 %Y")


def tweet_create_payload(
    *,
    for_user_id: str,
    tweet_id: str,
    text: str,
    author_id: str,
    screen_name: str,
    in_reply_to: str | None = None,
) -> Json:
    """An Account Activity delivery of one ``tweet_create_events`` item (a v1.1 tweet)."""
    tweet = {
        "created_at": _v1_time(),
        "id": int(tweet_id),
        "id_str": tweet_id,
        "text": text,
        "truncated": False,
        "in_reply_to_status_id": int(in_reply_to) if in_reply_to else None,
        "in_reply_to_status_id_str": in_reply_to,
        "in_reply_to_user_id_str": for_user_id,
        "user": {
            "id": int(author_id),
            "id_str": author_id,
            "name": screen_name.title(),
            "screen_name": screen_name,
        },
        "entities": {
            "hashtags": [],
            "urls": [],
            "user_mentions": [{"id_str": for_user_id, "indices": [0, 12]}],
        },
        "lang": "en",
        "timestamp_ms": str(int(time.time() * 1000)),
    }
    return {"for_user_id": for_user_id, "user_has_blocked": False, "tweet_create_events": [tweet]}


def dm_payload(
    *, for_user_id: str, event_id: str, text: str, sender_id: str, screen_name: str
) -> Json:
    """An Account Activity delivery of one ``direct_message_events`` item."""
    event = {
        "type": "message_create",
        "id": event_id,
        "created_timestamp": str(int(time.time() * 1000)),
        "message_create": {
            "target": {"recipient_id": for_user_id},
            "sender_id": sender_id,
            "message_data": {
                "text": text,
                "entities": {"hashtags": [], "urls": [], "user_mentions": []},
            },
        },
    }
    users = {sender_id: {"id": sender_id, "name": screen_name.title(), "screen_name": screen_name}}
    return {"for_user_id": for_user_id, "direct_message_events": [event], "users": users}


class XWebhookDriver:
    """Sends the CRC check and signed deliveries to the bot's ``/x/webhook``, as X does."""

    def __init__(
        self, url: str, consumer_secret: str, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.url = url
        self._secret = consumer_secret
        self._transport = transport

    def _client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=self._transport)

    async def crc(self, token: str) -> httpx.Response:
        """``GET /x/webhook?crc_token=...``."""
        async with self._client() as client:
            return await client.get(self.url, params={"crc_token": token})

    def expected_crc(self, token: str) -> str:
        """The response_token the bot must answer."""
        return sign_webhook(self._secret, token.encode())

    async def deliver(
        self, payload: Json, *, signature: str | None = None, signed: bool = True
    ) -> httpx.Response:
        """POST one delivery, signed with the consumer secret unless a signature is forced."""
        body = json.dumps(payload).encode()
        headers = {"content-type": "application/json"}
        if signed:
            headers[SIGNATURE_HEADER] = signature or sign_webhook(self._secret, body)
        async with self._client() as client:
            return await client.post(self.url, content=body, headers=headers)
