"""The webhook inbound mode: CRC answers and signed Account Activity deliveries on /x/webhook."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot.adapters.x.translate import webhook_events
from bot.channel import EventSink

log = logging.getLogger(__name__)
SIGNATURE_HEADER = "x-twitter-webhooks-signature"


def sign(consumer_secret: str, data: bytes) -> str:
    """``sha256=`` + base64 HMAC-SHA256 of ``data`` under the consumer secret (X's scheme)."""
    digest = hmac.new(consumer_secret.encode(), data, hashlib.sha256).digest()
    return "sha256=" + base64.b64encode(digest).decode()


def crc_response(consumer_secret: str, crc_token: str) -> dict[str, str]:
    """The body that answers X's challenge-response check."""
    return {"response_token": sign(consumer_secret, crc_token.encode())}


def verify(consumer_secret: str, body: bytes, signature: str | None) -> bool:
    """Whether ``signature`` is X's signature of the raw body (constant-time compare)."""
    if not signature:
        return False
    return hmac.compare_digest(sign(consumer_secret, body).encode(), signature.encode())


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
        """Answer ``?crc_token=T`` with the signed token."""
        token = request.query_params.get("crc_token")
        if not token:
            return JSONResponse({"error": "crc_token missing"}, status_code=400)
        return JSONResponse(crc_response(self._secret, token))

    async def deliver(self, request: Request) -> Response:
        """Verify, translate and store one delivery; forged or unsigned → 401, nothing stored."""
        body = await request.body()
        if not verify(self._secret, body, request.headers.get(SIGNATURE_HEADER)):
            log.warning("x webhook: rejected a delivery with a missing or bad signature")
            return JSONResponse({"error": "bad signature"}, status_code=401)
        sink = self._sink()
        if sink is None:
            return JSONResponse({"error": "not started"}, status_code=503)
        try:
            payload = json.loads(body)
        except ValueError:
            return JSONResponse({"error": "malformed JSON"}, status_code=400)
        if not isinstance(payload, dict):
            return JSONResponse({"error": "malformed JSON"}, status_code=400)
        for event in webhook_events(payload):
            await sink(event)
        return Response(status_code=200)
