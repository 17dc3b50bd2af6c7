"""POST /telegram/webhook: the secret-token check, then the update stored before the 200."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable, Sequence

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from telegram import Bot, Update

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEBHOOK_PATH = "/telegram/webhook"

Deliver = Callable[[Sequence[Update]], Awaitable[None]]


class WebhookEndpoint:
    """Answers 403 without the right secret, 400 for junk, 500 if not stored, else 200."""

    def __init__(self, secret: str, bot: Bot, deliver: Deliver) -> None:
        self._secret = secret.encode()
        self._bot = bot
        self._deliver = deliver

    def route(self) -> Route:
        """The Starlette route for the one web server."""
        return Route(WEBHOOK_PATH, self.handle, methods=["POST"])

    def authentic(self, given: str | None) -> bool:
        """Constant-time check of the X-Telegram-Bot-Api-Secret-Token header."""
        return given is not None and hmac.compare_digest(given.encode(), self._secret)

    async def handle(self, request: Request) -> Response:
        """Check, parse, store (durably), then acknowledge."""
        if not self.authentic(request.headers.get(SECRET_HEADER)):
            return JSONResponse({"error": "forbidden"}, status_code=403)
        try:
            update = Update.de_json(await request.json(), self._bot)
        except Exception as exc:  # noqa: BLE001 - any malformed body is the sender's problem
            log.warning("telegram: unreadable webhook update: %s", exc)
            return JSONResponse({"error": "malformed update"}, status_code=400)
        try:
            await self._deliver([update])
        except Exception as exc:  # noqa: BLE001 - not stored: Telegram must retry
            log.warning("telegram: webhook update %s not stored: %s", update.update_id, exc)
            return JSONResponse({"error": "not stored, retry"}, status_code=500)
        return Response(status_code=200)
