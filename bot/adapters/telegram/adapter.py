"""The Telegram adapter: long polling or webhook in, Bot API calls out, through PTB 22."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from starlette.routing import BaseRoute
from telegram import Update
from telegram.error import InvalidToken, RetryAfter, TelegramError
from telegram.ext import BaseRateLimiter

from bot.adapters.telegram.connection import build_application
from bot.adapters.telegram.fetch import get_updates
from bot.adapters.telegram.limits import BoundedRateLimiter, wait_seconds
from bot.adapters.telegram.outbound import CAPABILITIES
from bot.adapters.telegram.sending import Sender
from bot.adapters.telegram.translate import ALLOWED_UPDATES, to_event
from bot.adapters.telegram.webhook import WebhookEndpoint
from bot.backoff import Backoff
from bot.channel import ChannelState, Cursors, EventSink, SendError
from bot.events import Channel, InboundEvent, OutboundMessage
from bot.storable import Unstorable

log = logging.getLogger(__name__)

CURSOR = "telegram.offset"
TOKEN_SETTING = "FEEDBOT_TELEGRAM_TOKEN"
DEFAULT_BACKOFF = Backoff(base=0.5, cap=60.0)
SEND_TIMEOUT_S = 10.0
"""How long a send waits for Telegram's answer; after that its outcome is unknown."""


class TelegramAdapter:
    """Telegram through PTB: getUpdates long polling by default, webhook when a secret is set.

    Inbound updates are stored (the sink returns once durable) before Telegram is told they
    were received: by the next getUpdates offset, or by the webhook's 200. ``send`` returns
    "chat:message_id" for texts and the poll id for native polls (what votes refer to).
    """

    channel = Channel.TELEGRAM
    capabilities = CAPABILITIES

    def __init__(
        self,
        *,
        token: str,
        api_url: str,
        cursors: Cursors,
        webhook_secret: str | None = None,
        webhook_url: str = "",
        poll_timeout: float = 25.0,
        backoff: Backoff = DEFAULT_BACKOFF,
        limiter: BaseRateLimiter[Any] | None = None,
        send_timeout_s: float = SEND_TIMEOUT_S,
        toasts: Mapping[str, str] | None = None,
    ):
        """``toasts``: what a tapper alone sees once their tap on an answer button is stored,
        by language (ISO 639-1; chosen by their Telegram app's language, else "en")."""
        self._app = build_application(
            token, api_url, limiter or BoundedRateLimiter(), read_timeout=send_timeout_s
        )
        self._cursors = cursors
        self._sender = Sender(self._app.bot, cursors)
        self._toasts = dict(toasts or {})
        self._secret = webhook_secret
        self._webhook_url = webhook_url
        self._poll_timeout = poll_timeout
        self._backoff = backoff
        self._state = ChannelState.STOPPED
        self._detail = ""
        self._sink: EventSink | None = None
        self._task: asyncio.Task[None] | None = None
        self._ready = False
        self._offset: int | None = None
        self._failures = 0
        self._at_least = 0.0
        self._token_logged = False
        self._batch = asyncio.Lock()

    @property
    def state(self) -> ChannelState:
        """UP, RECONNECTING, DOWN (bad token), STARTING or STOPPED."""
        return self._state

    @property
    def detail(self) -> str:
        """Why the channel is not up, in one line ("" when it is)."""
        return self._detail

    @property
    def webhook_mode(self) -> bool:
        """True when updates arrive on POST /telegram/webhook instead of getUpdates."""
        return self._secret is not None

    @property
    def exclusive_connection(self) -> bool:
        """Long polling is one process's job (two getUpdates callers conflict); webhook
        requests come to any process."""
        return not self.webhook_mode

    def routes(self) -> Sequence[BaseRoute]:
        """POST /telegram/webhook in webhook mode; nothing when long polling."""
        if self._secret is None:
            return []
        return [WebhookEndpoint(self._secret, self._app.bot, self._deliver).route()]

    async def start(self, sink: EventSink) -> None:
        """Start connecting in the background; never raises."""
        self._sink = sink
        self._set(ChannelState.STARTING, "connecting")
        self._task = asyncio.create_task(self._supervise(), name="telegram-adapter")

    async def stop(self) -> None:
        """Stop polling, confirm what was stored, close the HTTP clients."""
        if self._task is not None:
            async with self._batch:  # never cut a batch between "stored" and "offset saved"
                self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        await self._confirm_offset()
        await self._app.shutdown()
        await self._app.bot.shutdown()
        self._ready = False
        self._set(ChannelState.STOPPED, "")

    async def send(self, message: OutboundMessage) -> str:
        """Post a text (split over 4,096 units, buttons on the last part) or a native poll
        (``poll``); with ``edit_of``, edit that message (or stop that poll) instead."""
        if not self._ready:
            raise SendError(f"telegram is not connected: {self._detail or self._state}")
        return await self._sender.send(message)

    # -- connection supervision ------------------------------------------------------------

    async def _supervise(self) -> None:
        """Connect and serve forever; classify failures, back off and try again."""
        while True:
            try:
                await self._connect()
                await self._serve()
            except asyncio.CancelledError:
                raise
            except InvalidToken:
                await self._token_rejected()
            except RetryAfter as exc:
                self._reconnecting(exc, at_least=wait_seconds(exc))
            except Exception as exc:  # noqa: BLE001 - any failure means: back off and retry
                self._reconnecting(exc)
            await asyncio.sleep(self._next_delay())

    async def _connect(self) -> None:
        """getMe (token check), then clear or set the webhook to match our mode."""
        await self._app.initialize()
        self._ready = True
        bot = self._app.bot
        if not self.webhook_mode:
            await bot.delete_webhook()
        elif self._webhook_url:
            await bot.set_webhook(
                self._webhook_url, secret_token=self._secret, allowed_updates=ALLOWED_UPDATES
            )
        self._up()

    async def _serve(self) -> None:
        if self.webhook_mode:
            await asyncio.Event().wait()  # updates arrive on the web server; idle until stopped
        else:
            await self._poll()

    async def _poll(self) -> None:
        """Long-poll getUpdates; store each batch before the next call confirms it."""
        if self._offset is None:
            async with self._batch:  # stop() never cuts a store call short
                stored = await self._cursors.get(name=CURSOR)
            self._offset = int(stored) if stored else None
        while True:
            batch = await get_updates(
                self._app.bot,
                offset=self._offset,
                wait_s=self._poll_timeout,
                allowed=ALLOWED_UPDATES,
            )
            self._up()
            if batch.next_offset is not None:
                async with self._batch:
                    await self._deliver(batch.updates)
                    self._offset = batch.next_offset
                    await self._cursors.set(name=CURSOR, value=str(self._offset))

    async def _deliver(self, updates: Sequence[Update]) -> None:
        """Hand every update's event to the sink (durable on return), then answer buttons."""
        sink = self._sink
        if sink is None:
            raise RuntimeError("telegram adapter not started")
        events = [e for e in (_event_or_skip(u) for u in updates) if e is not None]
        await asyncio.gather(*(_store(sink, e) for e in events))
        queries = [u.callback_query for u in updates if u.callback_query is not None]
        await asyncio.gather(*(self._answer(q.id, q.from_user.language_code) for q in queries))

    async def _answer(self, query_id: str, language: str | None) -> None:
        """Stop the button's spinner, with a toast in the tapper's language; a failure here
        loses nothing."""
        if not self._ready:
            return
        code = (language or "").split("-")[0].lower()
        text = self._toasts.get(code) or self._toasts.get("en") or None
        try:
            await self._app.bot.answer_callback_query(query_id, text=text)
        except (TelegramError, RuntimeError) as exc:
            log.warning("telegram: answerCallbackQuery failed: %s", exc)

    async def _confirm_offset(self) -> None:
        """Tell Telegram (best effort) that everything stored so far was received."""
        if not self._ready or self.webhook_mode or self._offset is None:
            return
        try:
            await self._app.bot.get_updates(offset=self._offset, timeout=0)
        except TelegramError as exc:
            log.info("telegram: could not confirm offset on stop (%s); it is in the store", exc)

    # -- state -----------------------------------------------------------------------------

    def _next_delay(self) -> float:
        delay = max(self._backoff.delay(self._failures), self._at_least)
        self._failures += 1
        return delay

    def _set(self, state: ChannelState, detail: str) -> None:
        self._state = state
        self._detail = detail

    def _up(self) -> None:
        if self._state is not ChannelState.UP:
            log.info("telegram: connected (%s)", "webhook" if self.webhook_mode else "long polling")
        self._failures = 0
        self._at_least = 0.0
        self._token_logged = False
        self._set(ChannelState.UP, "")

    def _reconnecting(self, exc: Exception, at_least: float = 0.0) -> None:
        self._at_least = at_least
        if self._state is not ChannelState.RECONNECTING:
            log.warning("telegram: connection problem, reconnecting: %s", _describe(exc))
        self._set(ChannelState.RECONNECTING, _describe(exc))

    async def _token_rejected(self) -> None:
        self._at_least = self._backoff.cap
        self._ready = False
        await self._app.shutdown()  # so the next attempt initializes (getMe) afresh
        await self._app.bot.shutdown()  # a failed initialize() leaves the clients open
        if not self._token_logged:
            log.error("telegram: %s was rejected by the Bot API; channel down", TOKEN_SETTING)
            self._token_logged = True
        self._set(ChannelState.DOWN, f"{TOKEN_SETTING} was rejected (401 Unauthorized)")


async def _store(sink: EventSink, event: InboundEvent) -> None:
    """Store one event; one the store refuses for its own content is skipped (the recorder has
    logged and counted it): Telegram would hand it over again and again, blocking the rest."""
    with contextlib.suppress(Unstorable):
        await sink(event)


def _event_or_skip(update: Update) -> InboundEvent | None:
    """to_event, but one odd update is logged and skipped rather than blocking the stream."""
    try:
        return to_event(update)
    except Exception:
        log.exception("telegram: could not translate update %s; skipped", update.update_id)
        return None


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:200]
