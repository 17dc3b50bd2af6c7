"""The webhook inbound mode: CRC answers and signed Account Activity deliveries on /x/webhook.

X uses one key (the consumer secret) and one scheme for both directions: the CRC answer is
HMAC(secret, crc_token) and a delivery's signature is HMAC(secret, body). So the CRC route
signs only tokens shaped like X's (short, base64 or URL-safe characters): no JSON body can be
one, and no delivery can be signed through it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot.adapters.x.translate import webhook_events
from bot.channel import EventSink
from bot.web.body import BadRequest, error, parse_json, read_capped

log = logging.getLogger(__name__)
SIGNATURE_HEADER = "x-twitter-webhooks-signature"
BODY_CAP = 1024 * 1024
"""Largest delivery read (X batches a few events a post; a tweet is at most 25,000 chars)."""
CRC_TOKEN = re.compile(r"[A-Za-z0-9+/_=-]{1,128}")
"""X's crc_token: base64 (or URL-safe) characters, at most 128 of them; never JSON."""


def sign(consumer_secret: str, data: bytes) -> str:
    """``sha256=`` + base64 HMAC-SHA256 of ``data`` under the consumer secret (X's scheme)."""
    digest = hmac.new(consumer_secret.encode(), data, hashlib.sha256).digest()
    return "sha256=" + base64.b64encode(digest).decode()


def crc_token_ok(token: str) -> bool:
    """Whether ``token`` is shaped like X's crc_token (and so can never be a delivery body)."""
    return CRC_TOKEN.fullmatch(token) is not None


def crc_response(consumer_secret: str, crc_token: str) -> dict[str, str]:
    """The body that answers X's challenge-response check (for a token shaped like X's)."""
    if not crc_token_ok(crc_token):
        raise ValueError("crc_token is not shaped like X's")
    return {"response_token": sign(consumer_secret, crc_token.encode())}


def verify(consumer_secret: str, body: bytes, signature: str | None) -> bool:
    """Whether ``signature`` is X's signature of the raw body (constant-time compare)."""
    if not signature:
        return False
    expected = sign(consumer_secret, body).encode()
    return hmac.compare_digest(expected, signature.encode())


class Webhook:
    """GET answers the CRC; POST verifies the signature, then stores every event before 200."""

    def __init__(self, consumer_secret: str, sink: Callable[[], EventSink | None]) -> None:
        self._secret = consumer_secret
        self._sink = sink

    def routes(self) -> list[BaseRoute]:
        """``GET|POST /x/webhook``."""
        return [
            Route("/x/webhook", self.crc, methods=["GET"]),
            Route("/x/webhook", self.deliver, methods=["POST"]),
        ]

    async def crc(self, request: Request) -> Response:
        """Answer ``?crc_token=T`` with the signed token; 400 for a token not shaped like X's."""
        token = request.query_params.get("crc_token")
        if not token:
            return error(400, "crc_token missing")
        if not crc_token_ok(token):
            log.warning("x webhook: refused a CRC token not shaped like X's (%d chars)", len(token))
            return error(400, "crc_token is not shaped like X's")
        return JSONResponse(crc_response(self._secret, token))

    async def deliver(self, request: Request) -> Response:
        """Cap, verify, then parse and store one delivery; forged or unsigned → 401."""
        try:
            body = await read_capped(request, BODY_CAP)
        except BadRequest as exc:
            return error(exc.status, str(exc))
        if not verify(self._secret, body, request.headers.get(SIGNATURE_HEADER)):
            log.warning("x webhook: rejected a delivery with a missing or bad signature")
            return error(401, "bad signature")
        try:
            payload = parse_json(body)
        except BadRequest as exc:
            return error(exc.status, str(exc))
        if not isinstance(payload, dict):
            return error(400, "a delivery is a JSON object")
        sink = self._sink()
        if sink is None:
            return error(503, "not started")
        for event in webhook_events(payload):
            await sink(event)
        return Response(status_code=200)
