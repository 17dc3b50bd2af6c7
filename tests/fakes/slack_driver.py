"""SlackDriver: Events API and interaction posts, signed exactly as Slack signs them."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

import httpx

from tests.fakes.slack import Identity, Json


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Slack's v0 request signature."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def event_envelope(event: Json, *, event_id: str, identity: Identity | None = None) -> Json:
    """An Events API ``event_callback`` body around ``event``, as Slack sends it."""
    i = identity or Identity()
    return {
        "token": "verification-token-unused",
        "team_id": i.team_id,
        "api_app_id": i.app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(float(event.get("event_ts") or event.get("ts") or time.time())),
        "authorizations": [
            {"enterprise_id": None, "team_id": i.team_id, "user_id": i.bot_user_id, "is_bot": True}
        ],
        "is_ext_shared_channel": False,
    }


@dataclass
class SlackDriver:
    """Delivers signed Events API and interaction posts to a bot's HTTP endpoint."""

    url: str
    signing_secret: str
    client: httpx.AsyncClient = field(default_factory=lambda: httpx.AsyncClient(timeout=10))

    async def post_event(
        self,
        body: Json,
        *,
        retry_num: int = 0,
        retry_reason: str = "http_timeout",
        timestamp: int | None = None,
        secret: str | None = None,
    ) -> httpx.Response:
        """POST an Events API body; ``timestamp``/``secret`` forge stale or badly signed ones."""
        raw = json.dumps(body).encode()
        headers = self._headers(raw, timestamp, secret) | {"Content-Type": "application/json"}
        if retry_num:
            headers |= {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        return await self.client.post(self.url, content=raw, headers=headers)

    async def post_action(
        self, payload: Json, *, timestamp: int | None = None, secret: str | None = None
    ) -> httpx.Response:
        """POST an interaction (``block_actions``) as the form field ``payload=<json>``."""
        raw = urlencode({"payload": json.dumps(payload)}).encode()
        headers = self._headers(raw, timestamp, secret) | {
            "Content-Type": "application/x-www-form-urlencoded"
        }
        return await self.client.post(self.url, content=raw, headers=headers)

    async def post_raw(
        self, raw: bytes, *, signed: bool = True, headers: dict[str, str | bytes] | None = None
    ) -> httpx.Response:
        """POST any bytes, signed as Slack signs (unless ``signed`` is False), with ``headers``."""
        sent: dict[str, str | bytes] = {**(self._headers(raw, None, None) if signed else {})}
        sent |= headers or {}
        return await self.client.post(self.url, content=raw, headers=sent)

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self.client.aclose()

    def _headers(self, raw: bytes, timestamp: int | None, secret: str | None) -> dict[str, str]:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        signature = sign(self.signing_secret if secret is None else secret, ts, raw)
        return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature}
