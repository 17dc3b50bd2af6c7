"""FakeTelegram: a local Bot API server (aiohttp, 127.0.0.1, random port) for PTB 22.8.

Checks the token, records every call, serves getUpdates as a real long poll that honours
``offset`` (confirmed updates are forgotten) and ``timeout``, answers the send/edit methods
with realistic objects, and injects 429 (with ``parameters.retry_after``) or 5xx on demand;
``limit_rate`` answers sends beyond Telegram's pace with 429, as Telegram does;
``hang_next`` carries calls out (the message is sent) but holds the answer, as a Bot API that
took the message and then hung.
``deliver_webhook`` posts updates to the bot's webhook the way Telegram does.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

import aiohttp
from aiohttp import web

from tests.fakes import telegram_payloads as tp

TOKEN = "123456:TEST-token-for-the-fake"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
RATED = frozenset({"sendMessage", "sendPoll"})
"""The sends ``limit_rate`` counts."""


@dataclass
class Call:
    """One request the bot made: method, decoded parameters, the HTTP status we answered."""

    method: str
    params: dict[str, Any]
    status: int
    at: float = field(default_factory=time.monotonic)
    answer: Any = None


@dataclass
class _Hang:
    count: int
    seconds: float
    methods: frozenset[str]


@dataclass
class _Fault:
    count: int
    status: int
    retry_after: int | None
    methods: frozenset[str] | None
    description: str = ""


def _decode(value: str) -> Any:
    """PTB sends strings raw and everything else JSON-encoded: undo only the latter."""
    try:
        decoded = json.loads(value)
    except ValueError:
        return value
    return decoded if isinstance(decoded, dict | list | bool) else value


class FakeTelegram:
    """The Bot API, in-process. ``url`` goes into FEEDBOT_TELEGRAM_API_URL."""

    def __init__(self, token: str = TOKEN):
        self.token = token
        self.calls: list[Call] = []
        self.webhook: dict[str, Any] = {}
        self.served_at: dict[int, float] = {}
        self._pending: list[dict[str, Any]] = []
        self._next_update = 1
        self._next_message: dict[str, int] = {}
        self._faults: list[_Fault] = []
        self._hangs: list[_Hang] = []
        self._rate: int | None = None
        self._bucket = (0.0, 0.0)  # (when last counted, sends left)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._closed = False
        self.url = ""

    async def __aenter__(self) -> FakeTelegram:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        async with self._changed:
            self._closed = True
            self._changed.notify_all()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- driving -------------------------------------------------------------------------

    async def push(self, *updates: dict[str, Any]) -> list[int]:
        """Queue updates for getUpdates (update_id assigned if missing); returns their ids."""
        ids = []
        async with self._changed:
            for update in updates:
                update.setdefault("update_id", self._next_update)
                self._next_update = max(self._next_update, update["update_id"]) + 1
                self._pending.append(update)
                ids.append(update["update_id"])
            self._changed.notify_all()
        return ids

    def fail_next(
        self,
        count: int,
        *,
        status: int = 500,
        retry_after: int | None = None,
        methods: Iterable[str] | None = None,
        description: str = "",
    ) -> None:
        """Answer the next ``count`` calls (of ``methods``, or any) with an error (saying
        ``description``, as Telegram does: "Forbidden: bot was blocked by the user")."""
        only = frozenset(methods) if methods is not None else None
        self._faults.append(_Fault(count, status, retry_after, only, description))

    def limit_rate(self, per_second: int | None) -> None:
        """Answer a send (sendMessage, sendPoll) with 429 and ``retry_after`` 1 beyond
        ``per_second`` a second (after a first burst of as many), as Telegram does (None: no
        limit)."""
        self._rate = per_second
        self._bucket = (time.monotonic(), float(per_second or 0))

    def hang_next(self, count: int, *, seconds: float, methods: Iterable[str]) -> None:
        """Carry out the next ``count`` calls of ``methods`` (they are recorded as answered
        200: Telegram took them) but hold each answer ``seconds`` (or until the fake closes)."""
        self._hangs.append(_Hang(count, seconds, frozenset(methods)))

    def heal(self) -> None:
        """Drop every fault still waiting: the platform answers normally again."""
        self._faults.clear()

    def calls_to(self, method: str, *, ok: bool = True) -> list[Call]:
        """Recorded calls of one method; only the successful ones unless ``ok`` is False."""
        return [c for c in self.calls if c.method == method and (c.status == 200 or not ok)]

    @property
    def pending(self) -> int:
        """Updates not yet confirmed by a getUpdates offset."""
        return len(self._pending)

    # -- serving -------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        if request.match_info["token"] != self.token:
            return self._record(method, params, 401, tp.error(401, "Unauthorized"))
        fault = self._fault_for(method)
        if fault is not None:
            return self._record(method, params, fault.status, _fault_body(fault))
        if self._too_fast(method):
            body = tp.error(429, "Too Many Requests", retry_after=1)
            return self._record(method, params, 429, body)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return self._record(method, params, 404, tp.error(404, "Not Found"))
        result = await handler(params)
        response = self._record(method, params, 200, {"ok": True, "result": result})
        await self._hold(method)
        return response

    async def _hold(self, method: str) -> None:
        """Sit on the answer when a hang is waiting for this method."""
        for hang in self._hangs:
            if hang.count > 0 and method in hang.methods:
                hang.count -= 1
                async with self._changed:
                    closed = self._changed.wait_for(lambda: self._closed)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(closed, hang.seconds)
                return

    @staticmethod
    async def _params(request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            body = await request.json()
            return dict(body) if isinstance(body, dict) else {}
        form = await request.post()
        return {k: _decode(str(v)) for k, v in form.items()}

    def _record(self, method: str, params: dict[str, Any], status: int, body: Any) -> web.Response:
        self.calls.append(Call(method, params, status, answer=body))
        return web.json_response(body, status=status)

    def _too_fast(self, method: str) -> bool:
        """Whether this send goes past the rate limit: a bucket of ``rate`` sends that refills
        at ``rate`` a second (a burst of that many, then that many a second)."""
        if self._rate is None or method not in RATED:
            return False
        now = time.monotonic()
        last, tokens = self._bucket
        tokens = min(float(self._rate), tokens + (now - last) * self._rate)
        if tokens < 1.0:
            self._bucket = (now, tokens)
            return True
        self._bucket = (now, tokens - 1.0)
        return False

    def _fault_for(self, method: str) -> _Fault | None:
        for fault in self._faults:
            if fault.count > 0 and (fault.methods is None or method in fault.methods):
                fault.count -= 1
                return fault
        return None

    # -- methods ---------------------------------------------------------------------------

    async def _m_getMe(self, _: dict[str, Any]) -> dict[str, Any]:
        return tp.bot_user()

    async def _m_deleteWebhook(self, _: dict[str, Any]) -> bool:
        self.webhook = {}
        return True

    async def _m_setWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = params
        return True

    async def _m_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        async with self._changed:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
            while (
                not self._pending and not self._closed and (left := deadline - time.monotonic()) > 0
            ):
                try:
                    await asyncio.wait_for(self._changed.wait(), left)
                except TimeoutError:
                    break
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
            batch = self._pending[:limit]
        now = time.perf_counter()
        for update in batch:
            self.served_at.setdefault(update["update_id"], now)
        return batch

    async def _m_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        return tp.bot_message(self._message_id(params), params, text=str(params["text"]))

    async def _m_sendPoll(self, params: dict[str, Any]) -> dict[str, Any]:
        message = tp.bot_message(self._message_id(params), params)
        labels = [o["text"] if isinstance(o, dict) else str(o) for o in params["options"]]
        message["poll"] = tp.poll(f"poll-{message['message_id']}", str(params["question"]), labels)
        return message

    async def _m_stopPoll(self, params: dict[str, Any]) -> dict[str, Any]:
        return tp.poll(f"poll-{params['message_id']}", "closed", ["a", "b"], closed=True)

    async def _m_answerCallbackQuery(self, _: dict[str, Any]) -> bool:
        return True

    async def _m_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        return tp.bot_message(int(params["message_id"]), params, text=str(params["text"]))

    async def _m_editMessageReplyMarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        return tp.bot_message(int(params["message_id"]), params, text="(buttons edited)")

    def _message_id(self, params: dict[str, Any]) -> int:
        chat = str(params["chat_id"])
        self._next_message[chat] = self._next_message.get(chat, 1000) + 1
        return self._next_message[chat]


def _fault_body(fault: _Fault) -> dict[str, Any]:
    if fault.retry_after is not None:
        return tp.error(fault.status, "Too Many Requests", retry_after=fault.retry_after)
    reason = fault.description or f"{HTTPStatus(fault.status).phrase} ({fault.status})"
    return tp.error(fault.status, reason)


async def deliver_webhook(
    url: str, update: dict[str, Any], *, secret: str | None, times: int = 1
) -> list[int]:
    """POST ``update`` to ``url`` ``times`` times as Telegram does; returns the statuses."""
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    statuses = []
    async with aiohttp.ClientSession() as session:
        for _ in range(times):
            async with session.post(url, json=update, headers=headers) as response:
                statuses.append(response.status)
    return statuses
