"""POST /telegram/webhook: the secret-token check, then the update stored before the 200."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable, Sequence

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Bot, Update

from bot.web.body import BadRequest, error, parse_json, read_capped

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEBHOOK_PATH = "/telegram/webhook"
BODY_CAP = 1024 * 1024
"""Largest update read: a message is at most 4,096 characters, its entities and reply included."""

Deliver = Callable[[Sequence[Update]], Awaitable[None]]


class WebhookEndpoint:
    """403 without the right secret; 413 over the cap; 400 unless a JSON object; 200 once the
    update is stored, or acknowledged without storing when it cannot be read (Telegram would
    otherwise redeliver it for ever); 500 only when the store failed (Telegram retries)."""

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
        """Check, read, store (durably), then acknowledge."""
        if not self.authentic(request.headers.get(SECRET_HEADER)):
            return error(403, "forbidden")
        try:
            data = parse_json(await read_capped(request, BODY_CAP))
        except BadRequest as exc:
            return error(exc.status, str(exc))
        if not isinstance(data, dict):
            return error(400, "an update is a JSON object")
        update = self._update(data)
        if update is None:
            return Response(status_code=200)
        try:
            await self._deliver([update])
        except Exception as exc:  # noqa: BLE001 - not stored: Telegram must retry
            log.warning("telegram: webhook update %s not stored: %s", update.update_id, exc)
            return error(500, "not stored, retry")
        return Response(status_code=200)

    def _update(self, data: dict[str, object]) -> Update | None:
        """PTB's Update, or None (logged) for one it cannot read."""
        try:
            return Update.de_json(data, self._bot)
        except Exception as exc:  # noqa: BLE001 - any unreadable update is acknowledged, skipped
            log.warning("telegram: unreadable update %.40r skipped: %s", data.get("update_id"), exc)
            return None
