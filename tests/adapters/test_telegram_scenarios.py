"""Telegram through the whole bot: real PTB against FakeTelegram, the real store and outbox."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import httpx
import pytest

from bot.adapters.base import ChannelState
from bot.adapters.telegram import TelegramAdapter, from_settings
from bot.adapters.widget import WidgetAdapter
from config.settings import Settings
from models.store import Store
from tests.fakes import telegram_payloads as tp
from tests.fakes.telegram import FakeTelegram, deliver_webhook
from tests.harness import RunningBot, running_bot
from tests.web.sessions import new_session

SECRET = "scenario-webhook-secret-42"
ACK = "Thanks for your message"


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


class BotCursors:
    """The running bot's store as the adapter's Cursors, once the bot has opened it."""

    def __init__(self) -> None:
        self._store: Store | None = None
        self._opened = asyncio.Event()

    def attach(self, store: Store) -> None:
        self._store = store
        self._opened.set()

    async def _target(self) -> Store:
        await self._opened.wait()
        assert self._store is not None
        return self._store

    async def get(self, name: str) -> str | None:
        return await (await self._target()).get(name)

    async def set(self, name: str, value: str) -> None:
        await (await self._target()).set(name, value)


@asynccontextmanager
async def bot_with_telegram(
    settings: Settings,
) -> AsyncIterator[tuple[RunningBot, TelegramAdapter]]:
    """The bot with the widget and a Telegram adapter built from ``settings``."""
    cursors = BotCursors()
    adapter = from_settings(settings, cursors)
    assert adapter is not None
    async with running_bot(settings, adapters=[WidgetAdapter(), adapter]) as bot:
        cursors.attach(bot.store)
        yield bot, adapter


def telegram_settings(
    make: Callable[..., Settings], db: str, fake: FakeTelegram, **kw: object
) -> Settings:
    return make(database_url=db, telegram_token=fake.token, telegram_api_url=fake.url, **kw)


async def inbound(bot: RunningBot) -> list[str]:
    """Platform ids of the stored inbound Telegram messages, oldest first."""
    views = await bot.store.messages(channel="telegram", limit=10_000, newest_first=False)
    return [m.platform_id for m in views if m.direction == "in"]


def acks(fake: FakeTelegram) -> list[dict[str, object]]:
    return [c.params for c in fake.calls_to("sendMessage") if ACK in str(c.params["text"])]


async def test_message_in_stored_once_and_acknowledged_on_the_same_chat(
    db_url: str, make_settings: Callable[..., Settings], fake: FakeTelegram
) -> None:
    async with bot_with_telegram(telegram_settings(make_settings, db_url, fake)) as (bot, _):
        await fake.push(tp.message_update("The printer on floor 2 is broken", message_id=17))
        await bot.wait_for(lambda: _count(bot, 1), what="stored message")
        [view] = [m for m in await bot.store.messages(channel="telegram") if m.direction == "in"]
        assert view.platform_id == "5550001:17" and view.contact_id is not None
        conversation = await bot.store.conversation_at(channel="telegram", chat="5550001")
        assert conversation == view.conversation_id
        await bot.wait_for(lambda: _true(len(acks(fake)) == 1), what="acknowledgement")
        [ack] = acks(fake)
        assert ack["chat_id"] == "5550001"
        assert ack["reply_parameters"] == {
            "message_id": 17,
            "allow_sending_without_reply": True,
        }


async def test_forum_topic_is_acknowledged_in_the_topic(
    sqlite_url: str, make_settings: Callable[..., Settings], fake: FakeTelegram
) -> None:
    async with bot_with_telegram(telegram_settings(make_settings, sqlite_url, fake)) as (
        bot,
        _,
    ):
        chat = tp.group_chat(forum=True)
        await fake.push(tp.message_update("Too noisy here", message_id=8, chat=chat, topic=4402))
        await bot.wait_for(lambda: _true(len(acks(fake)) == 1), what="acknowledgement")
        [ack] = acks(fake)
        assert (ack["chat_id"], ack["message_thread_id"]) == ("-1001234567890", "4402")


async def test_ten_deliveries_by_getupdates_are_stored_once(
    db_url: str, make_settings: Callable[..., Settings], fake: FakeTelegram
) -> None:
    async with bot_with_telegram(telegram_settings(make_settings, db_url, fake)) as (bot, _):
        update = {"update_id": 700, **tp.message_update("Once please", message_id=5)}
        await fake.push(*(dict(update) for _ in range(10)))
        await bot.wait_for(lambda: _true(fake.pending == 0), what="offset confirmed")
        await bot.wait_for(lambda: _true(len(acks(fake)) == 1), what="acknowledgement")
        assert await inbound(bot) == ["5550001:5"]


async def test_ten_webhook_deliveries_are_stored_once_and_forgeries_rejected(
    db_url: str, make_settings: Callable[..., Settings], fake: FakeTelegram
) -> None:
    settings = telegram_settings(make_settings, db_url, fake, telegram_webhook_secret=SECRET)
    async with bot_with_telegram(settings) as (bot, _):
        url = f"{bot.url}/telegram/webhook"
        forged = {"update_id": 1, **tp.message_update("forged", message_id=1)}
        assert await deliver_webhook(url, forged, secret=None) == [403]
        assert await deliver_webhook(url, forged, secret="wrong") == [403]
        assert await inbound(bot) == []
        update = {"update_id": 2, **tp.message_update("Real one", message_id=2)}
        assert await deliver_webhook(url, update, secret=SECRET, times=10) == [200] * 10
        assert await inbound(bot) == ["5550001:2"]


async def test_429_on_the_acknowledgement_is_sent_once_after_the_wait(
    sqlite_url: str, make_settings: Callable[..., Settings], fake: FakeTelegram
) -> None:
    fake.fail_next(1, status=429, retry_after=1, methods={"sendMessage"})
    async with bot_with_telegram(telegram_settings(make_settings, sqlite_url, fake)) as (
        bot,
        _,
    ):
        await fake.push(tp.message_update("hello", message_id=3))
        await bot.wait_for(lambda: _true(len(acks(fake)) == 1), what="acknowledgement")
        attempts = fake.calls_to("sendMessage", ok=False)
        assert [c.status for c in attempts] == [429, 200]
        assert attempts[1].at - attempts[0].at >= 1.0
        await bot.wait_for(lambda: _sent(bot, "5550001:1001"), what="outbox item sent")


async def test_platform_5xx_reconnects_while_the_widget_keeps_working(
    sqlite_url: str, make_settings: Callable[..., Settings], fake: FakeTelegram
) -> None:
    async with bot_with_telegram(telegram_settings(make_settings, sqlite_url, fake)) as (
        bot,
        tg,
    ):
        await bot.wait_for(lambda: _true(tg.state is ChannelState.UP), what="telegram up")
        fake.fail_next(3, status=503, methods={"getUpdates"})
        await fake.push(tp.message_update("during the outage", message_id=11))
        await bot.wait_for(
            lambda: _true(tg.state is ChannelState.RECONNECTING), what="reconnecting"
        )
        await _widget_works(bot)
        await bot.wait_for(lambda: _true(tg.state is ChannelState.UP), what="up again")
        await fake.push(tp.message_update("after the outage", message_id=12))
        await bot.wait_for(lambda: _count(bot, 2), what="both stored")


async def test_bad_token_marks_telegram_down_and_the_widget_still_works(
    sqlite_url: str, make_settings: Callable[..., Settings], fake: FakeTelegram
) -> None:
    settings = make_settings(
        database_url=sqlite_url, telegram_token="42:not-the-token", telegram_api_url=fake.url
    )
    async with bot_with_telegram(settings) as (bot, tg):
        await bot.wait_for(lambda: _true(tg.state is ChannelState.DOWN), what="telegram down")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            health = (await http.get("/healthz")).json()
        assert health["channels"]["telegram"]["state"] == "down"
        assert "FEEDBOT_TELEGRAM_TOKEN" in health["channels"]["telegram"]["detail"]
        await _widget_works(bot)


async def test_restart_mid_stream_no_gaps_no_duplicates(
    db_url: str, make_settings: Callable[..., Settings], fake: FakeTelegram
) -> None:
    settings = telegram_settings(make_settings, db_url, fake)
    producer = asyncio.create_task(_produce(fake, 120))
    async with bot_with_telegram(settings) as (bot, _):
        await bot.wait_for(lambda: _count(bot, 30, at_least=True), what="first 30")
    async with bot_with_telegram(settings) as (bot, _):
        await producer
        await bot.wait_for(lambda: _count(bot, 120), timeout=20, what="all 120")
        assert sorted(await inbound(bot)) == sorted(f"5550001:{i}" for i in range(1, 121))
        assert await bot.store.get("telegram.offset") == "121"


async def _produce(fake: FakeTelegram, n: int) -> None:
    for i in range(1, n + 1):
        await fake.push(tp.message_update(f"message {i}", message_id=i))
        if i % 4 == 0:
            await asyncio.sleep(0.01)


async def _widget_works(bot: RunningBot) -> None:
    async with httpx.AsyncClient(base_url=bot.url) as http:
        session = await new_session(http)
        body = {"session": session, "client_id": "client-0001", "text": "Widget is fine"}
        answer = await http.post("/widget/api/messages", json=body)
    assert answer.status_code == 202


async def _count(bot: RunningBot, n: int, *, at_least: bool = False) -> bool:
    got = len(await inbound(bot))
    return got >= n if at_least else got == n


async def _sent(bot: RunningBot, ref: str) -> bool:
    items = await bot.store.outbox_items()
    return [(i.status, i.platform_message_id) for i in items] == [("sent", ref)]


async def _true(value: bool) -> bool:
    return value
