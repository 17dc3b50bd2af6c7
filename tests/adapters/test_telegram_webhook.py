"""Telegram webhook mode: real HTTP into the adapter's route, secret checked, stored once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
import pytest_asyncio
import uvicorn
from starlette.applications import Starlette

from bot.adapters.telegram import TelegramAdapter, from_settings
from bot.adapters.telegram.webhook import SECRET_HEADER
from bot.backoff import Backoff
from bot.channel import ChannelState
from config.settings import Settings
from tests.fakes import telegram_payloads as tp
from tests.fakes.cursors import MemoryCursors
from tests.fakes.telegram import FakeTelegram, deliver_webhook
from tests.fakes.telegram_store import MemorySink
from tests.fakes.waiting import wait_until

pytestmark = pytest.mark.asyncio
SECRET = "s3cr3t-webhook-token_123"


@asynccontextmanager
async def serve(app: Starlette) -> AsyncIterator[str]:
    """Run ``app`` on 127.0.0.1 at a free port; yield its base URL."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    task = asyncio.create_task(server.serve())
    await wait_until(lambda: server.started)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@pytest_asyncio.fixture
async def webhook() -> AsyncIterator[tuple[str, TelegramAdapter, MemorySink, FakeTelegram]]:
    async with FakeTelegram() as fake:
        adapter = TelegramAdapter(
            token=fake.token,
            api_url=fake.url,
            cursors=MemoryCursors(),
            webhook_secret=SECRET,
            webhook_url="https://library.example.ac.uk/telegram/webhook",
            backoff=Backoff(base=0.02, cap=0.2),
        )
        sink = MemorySink()
        await adapter.start(sink)
        async with serve(Starlette(routes=list(adapter.routes()))) as url:
            await wait_until(lambda: adapter.state is ChannelState.UP)
            yield f"{url}/telegram/webhook", adapter, sink, fake
        await adapter.stop()


Webhook = tuple[str, TelegramAdapter, MemorySink, FakeTelegram]


async def test_webhook_mode_registers_the_secret(webhook: Webhook) -> None:
    _, _, _, fake = webhook
    [call] = fake.calls_to("setWebhook")
    assert call.params["secret_token"] == SECRET
    assert call.params["url"] == "https://library.example.ac.uk/telegram/webhook"
    assert fake.calls_to("getUpdates", ok=False) == []


async def test_update_is_stored_before_200_and_once_for_ten_deliveries(webhook: Webhook) -> None:
    url, _, sink, _ = webhook
    update = {"update_id": 9001, **tp.message_update("Lights flicker on floor 2", message_id=71)}
    assert await deliver_webhook(url, update, secret=SECRET) == [200]
    assert list(sink.stored) == ["5550001:71"]  # stored by the time 200 came back
    assert await deliver_webhook(url, update, secret=SECRET, times=9) == [200] * 9
    assert list(sink.stored) == ["5550001:71"]
    assert sink.deliveries == 10


@pytest.mark.parametrize("secret", [None, "", "wrong-secret", SECRET + "x"])
async def test_missing_or_wrong_secret_is_403_and_nothing_stored(
    webhook: Webhook, secret: str | None
) -> None:
    url, _, sink, _ = webhook
    update = {"update_id": 9002, **tp.message_update("forged", message_id=72)}
    assert await deliver_webhook(url, update, secret=secret) == [403]
    assert sink.stored == {}


async def test_button_tap_by_webhook_is_answered(webhook: Webhook) -> None:
    url, _, sink, fake = webhook
    update = {"update_id": 9003, **tp.callback_update("poll:3:2", query_id="cb-9")}
    assert await deliver_webhook(url, update, secret=SECRET) == [200]
    assert "update:9003" in sink.stored
    assert [c.params["callback_query_id"] for c in fake.calls_to("answerCallbackQuery")] == ["cb-9"]


async def test_a_body_that_is_not_a_json_object_is_4xx(webhook: Webhook) -> None:
    url, _, sink, _ = webhook
    headers = {SECRET_HEADER: SECRET, "content-type": "application/json"}
    async with httpx.AsyncClient() as http:
        statuses = [
            (await http.post(url, content=raw, headers=headers)).status_code
            for raw in (b"{", b"null", b"[1]", b"\xff", b'{"a": NaN}', b"[" * 100_000)
        ]
        big = (await http.post(url, content=b" " * (1024 * 1024 + 1), headers=headers)).status_code
    assert (statuses, big) == ([400] * 6, 413)
    assert sink.stored == {}


async def test_unreadable_or_refused_updates_are_acknowledged_and_not_stored(
    webhook: Webhook,
) -> None:
    url, _, sink, _ = webhook
    assert await deliver_webhook(url, {"update_id": "x", "message": 5}, secret=SECRET) == [200]
    sink.refuse.add("5550001:74")
    refused = {"update_id": 9005, **tp.message_update("refused", message_id=74)}
    assert await deliver_webhook(url, refused, secret=SECRET) == [200]
    assert sink.stored == {}


async def test_store_failure_is_500_so_telegram_retries(webhook: Webhook) -> None:
    url, _, sink, _ = webhook
    sink.fail = True
    update = {"update_id": 9004, **tp.message_update("retry me", message_id=73)}
    assert await deliver_webhook(url, update, secret=SECRET) == [500]
    sink.fail = False
    assert await deliver_webhook(url, update, secret=SECRET) == [200]
    assert list(sink.stored) == ["5550001:73"]


async def test_webhook_still_stores_while_the_token_is_rejected() -> None:
    async with FakeTelegram() as fake:
        adapter = TelegramAdapter(
            token="1:bad", api_url=fake.url, cursors=MemoryCursors(), webhook_secret=SECRET
        )
        sink = MemorySink()
        await adapter.start(sink)
        async with serve(Starlette(routes=list(adapter.routes()))) as url:
            await wait_until(lambda: adapter.state is ChannelState.DOWN)
            update = {"update_id": 1, **tp.message_update("still here", message_id=5)}
            assert await deliver_webhook(f"{url}/telegram/webhook", update, secret=SECRET) == [200]
            tap = {"update_id": 2, **tp.callback_update("poll:1:2")}
            assert await deliver_webhook(f"{url}/telegram/webhook", tap, secret=SECRET) == [200]
        await adapter.stop()
    assert list(sink.stored) == ["5550001:5", "update:2"]


async def test_from_settings_picks_the_mode() -> None:
    assert from_settings(Settings(telegram_token=None), MemoryCursors()) is None
    polling = from_settings(Settings(telegram_token="1:a"), MemoryCursors())
    assert polling is not None and not polling.webhook_mode and polling.routes() == []
    hooked = from_settings(
        Settings(
            telegram_token="1:a", telegram_webhook_secret=SECRET, public_url="https://x.test/"
        ),
        MemoryCursors(),
    )
    assert hooked is not None and hooked.webhook_mode
    assert [r.path for r in hooked.routes()] == ["/telegram/webhook"]  # type: ignore[attr-defined]
