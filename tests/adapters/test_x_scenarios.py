"""X scenarios through the whole running bot: real store, pipeline, outbox, web server, FakeX."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from bot.adapters.widget import WidgetAdapter
from bot.adapters.x import XAdapter
from bot.adapters.x.ratelimit import Backoff
from config.settings import Settings
from models.store import Store
from models.store.migrate import upgrade_async
from tests.fakes.x import FakeX, XWebhookDriver, dm_payload, tweet_create_payload
from tests.fakes.x.helpers import adapter_for
from tests.harness import RunningBot, running_bot
from tests.web.sessions import new_session

ACK = "Thanks for your message."


@pytest.fixture
async def fake() -> AsyncIterator[FakeX]:
    async with FakeX() as server:
        yield server


@pytest.fixture
def settings(make_settings: Callable[..., Settings], db_url: str) -> Settings:
    return make_settings(database_url=db_url)


@asynccontextmanager
async def bot_with_x(
    settings: Settings, fake: FakeX, **options: Any
) -> AsyncIterator[tuple[RunningBot, XAdapter]]:
    """The bot with the widget and an X adapter on FakeX; cursors in the bot's own database."""
    await upgrade_async(settings.database_url)
    async with Store.open(settings.database_url) as cursors:
        adapter = adapter_for(fake, cursors, **options)
        async with running_bot(settings, adapters=[WidgetAdapter(), adapter]) as bot:
            yield bot, adapter


async def _x_messages(bot: RunningBot) -> list[Any]:
    return [m for m in await bot.store.messages(channel="x") if m.direction == "in"]


def _replied_to(tweet: dict[str, Any]) -> str:
    return str((tweet.get("referenced_tweets") or [{}])[0].get("id"))


async def test_mention_is_stored_once_and_acknowledged_with_a_reply_tweet(
    settings: Settings, fake: FakeX
) -> None:
    async with bot_with_x(settings, fake) as (bot, _):
        tweet = fake.mention("@uni_library the 3rd floor printers are down")
        await bot.wait_for(lambda: _has(fake.created_tweets), what="acknowledgement tweet")
        (message,) = await _x_messages(bot)
        assert (
            message.platform_id == tweet["id"] and message.text == "the 3rd floor printers are down"
        )
        assert message.contact_id is not None and message.conversation_id is not None
        (ack,) = fake.created_tweets()
        assert _replied_to(ack) == tweet["id"] and ack["text"].startswith(f"@student_a {ACK}")
        assert ack["conversation_id"] == tweet["conversation_id"]


async def test_dm_is_stored_and_acknowledged_with_a_dm(settings: Settings, fake: FakeX) -> None:
    async with bot_with_x(settings, fake) as (bot, _):
        dm = fake.dm("Can I renew a reserved book?", sender_id="2200000000000000004")
        await bot.wait_for(lambda: _has(fake.sent_dms), what="acknowledgement DM")
        (message,) = await _x_messages(bot)
        assert message.platform_id == dm["id"] and message.contact_id is not None
        (ack,) = fake.sent_dms()
        assert ack["dm_conversation_id"] == dm["dm_conversation_id"] and ack["text"].startswith(ACK)
        assert fake.created_tweets() == []


async def test_webhook_crc_and_ten_deliveries_store_once_and_forgeries_nothing(
    settings: Settings, fake: FakeX
) -> None:
    async with bot_with_x(settings, fake, webhook_mode=True) as (bot, _):
        driver = XWebhookDriver(bot.url + "/x/webhook", fake.keys.consumer_secret)
        crc = await driver.crc("challenge-123")
        assert crc.status_code == 200
        assert crc.json() == {"response_token": driver.expected_crc("challenge-123")}
        tweet = fake.mention("@uni_library noisy in the silent area")
        payload = tweet_create_payload(
            for_user_id=fake.me,
            tweet_id=tweet["id"],
            text=tweet["text"],
            author_id=tweet["author_id"],
            screen_name="student_a",
        )
        forged = await driver.deliver(payload, signature="sha256=" + "A" * 44)
        unsigned = await driver.deliver(payload, signed=False)
        assert (forged.status_code, unsigned.status_code) == (401, 401)
        assert await _x_messages(bot) == []
        statuses = {(await driver.deliver(payload)).status_code for _ in range(10)}
        assert statuses == {200}
        await bot.wait_for(lambda: _has(fake.created_tweets), what="acknowledgement")
        assert [m.platform_id for m in await _x_messages(bot)] == [tweet["id"]]
        assert len(fake.created_tweets()) == 1 and not fake.calls_to("GET", "/2/users/" + fake.me)


async def test_webhook_dm_is_answered_by_dm(settings: Settings, fake: FakeX) -> None:
    async with bot_with_x(settings, fake, webhook_mode=True) as (bot, _):
        driver = XWebhookDriver(bot.url + "/x/webhook", fake.keys.consumer_secret)
        payload = dm_payload(
            for_user_id=fake.me,
            event_id=fake.new_id(),
            text="open on Sunday?",
            sender_id="2200000000000000007",
            screen_name="student_g",
        )
        assert (await driver.deliver(payload)).status_code == 200
        await bot.wait_for(lambda: _has(fake.sent_dms), what="acknowledgement DM")
        assert fake.sent_dms()[0]["dm_conversation_id"].endswith("-2200000000000000007")


async def test_429_on_send_is_delivered_exactly_once_after_the_wait(
    settings: Settings, fake: FakeX
) -> None:
    async with bot_with_x(settings, fake, short_wait_s=0.0) as (bot, _):
        fake.inject(429, method="POST", path="/2/tweets", reset=int(time.time()) + 1)
        fake.inject(429, method="POST", path="/2/tweets")
        fake.mention("@uni_library is the wifi down?")
        await bot.wait_for(lambda: _has(fake.created_tweets), timeout=10, what="ack after 429s")
        await bot.wait_for(lambda: _sent(bot), what="outbox marks it sent")
        assert [c.status for c in fake.calls_to("POST", "/2/tweets")] == [429, 429, 201]
        assert len(fake.created_tweets()) == 1


async def _sent(bot: RunningBot) -> bool:
    return any(i.status == "sent" for i in await bot.store.outbox_items())


async def test_x_outage_reconnects_while_the_widget_keeps_working(
    settings: Settings, fake: FakeX
) -> None:
    async with bot_with_x(settings, fake, backoff=Backoff(0.2, 0.4)) as (bot, adapter):
        await bot.wait_for(lambda: _is(adapter, "up"), what="X up")
        fake.inject(503, times=3, path="/2/users/")
        await bot.wait_for(lambda: _is(adapter, "reconnecting"), what="X reconnecting")
        async with httpx.AsyncClient(base_url=bot.url) as web:
            health = (await web.get("/healthz")).json()["channels"]["x"]["state"]
            session = await new_session(web)
            posted = await web.post(
                "/widget/api/messages",
                json={"session": session, "client_id": "client-x-1", "text": "hello"},
            )
        assert posted.status_code == 202 and health == "reconnecting"
        tweet = fake.mention("@uni_library sent during the outage")
        await bot.wait_for(lambda: _is(adapter, "up"), what="X up again")
        await bot.wait_for(lambda: _stored(bot, tweet["id"]), what="mention stored")


async def test_restart_mid_stream_has_no_gaps_and_no_duplicates(
    settings: Settings, fake: FakeX
) -> None:
    authors = [f"22000000000000001{n:02d}" for n in range(6)]

    def mentions(numbers: range) -> list[str]:
        return [
            fake.mention(f"@uni_library m{n}", author_id=authors[n], username=f"s{n}")["id"]
            for n in numbers
        ]

    async with bot_with_x(settings, fake) as (bot, _):
        first = mentions(range(3))
        await bot.wait_for(lambda: _stored(bot, *first), what="first three")
    during = [*mentions(range(3, 6)), fake.dm("while we were away")["id"]]
    polls_before = len(fake.calls_to("GET", f"/2/users/{fake.me}/mentions"))
    async with bot_with_x(settings, fake) as (bot, _):
        await bot.wait_for(lambda: _stored(bot, *during), what="the rest")
        await bot.wait_for(lambda: _count(fake.created_tweets, 6), what="six acknowledgements")
        stored = [m.platform_id for m in await _x_messages(bot)]
        cursor = await bot.store.get("x.mentions.since_id")
    resumed = fake.calls_to("GET", f"/2/users/{fake.me}/mentions")[polls_before]
    assert resumed.query["since_id"] == first[-1] and cursor == during[2]
    assert sorted(stored) == sorted(first + during)
    assert sorted(_replied_to(t) for t in fake.created_tweets()) == sorted(first + during[:3])


async def _has(read: Callable[[], list[Any]]) -> bool:
    return bool(read())


async def _count(read: Callable[[], list[Any]], n: int) -> bool:
    return len(read()) >= n


async def _is(adapter: XAdapter, state: str) -> bool:
    return adapter.state.value == state


async def _stored(bot: RunningBot, *platform_ids: str) -> bool:
    return set(platform_ids) <= {m.platform_id for m in await _x_messages(bot)}


def _x_settings(
    make_settings: Callable[..., Settings], db_url: str, fake: FakeX, **more: Any
) -> Settings:
    """Settings that switch X on through the composition root, pointed at FakeX."""
    return make_settings(
        database_url=db_url,
        x_consumer_key=fake.keys.consumer_key,
        x_consumer_secret=fake.keys.consumer_secret,
        x_access_token=fake.keys.access_token,
        x_access_token_secret=fake.keys.access_token_secret,
        x_api_url=fake.url,
        x_poll_interval_s=1,
        **more,
    )


async def test_settings_switch_x_on_through_the_composition_root(
    make_settings: Callable[..., Settings], db_url: str, fake: FakeX
) -> None:
    settings = _x_settings(make_settings, db_url, fake)
    async with running_bot(settings) as bot:
        tweet = fake.mention("@uni_library hello from the settings")
        await bot.wait_for(lambda: _has(fake.created_tweets), what="acknowledgement tweet")
        async with httpx.AsyncClient(base_url=bot.url) as web:
            health = (await web.get("/healthz")).json()
        assert [m.platform_id for m in await _x_messages(bot)] == [tweet["id"]]
        assert await bot.store.get("x.mentions.since_id") == tweet["id"]
    assert health["channels"]["x"] == {"state": "up", "detail": "polling"}


async def test_webhook_setting_serves_crc_and_stops_polling(
    make_settings: Callable[..., Settings], db_url: str, fake: FakeX
) -> None:
    settings = _x_settings(make_settings, db_url, fake, x_webhook_enabled=True)
    async with running_bot(settings) as bot:
        driver = XWebhookDriver(bot.url + "/x/webhook", fake.keys.consumer_secret)
        assert (await driver.crc("abc")).json() == {"response_token": driver.expected_crc("abc")}
        dm = dm_payload(
            for_user_id=fake.me,
            event_id=fake.new_id(),
            text="hello",
            sender_id="2200000000000000008",
            screen_name="student_h",
        )
        assert (await driver.deliver(dm)).status_code == 200
        await bot.wait_for(lambda: _has(fake.sent_dms), what="acknowledgement DM")
    assert not fake.calls_to("GET", f"/2/users/{fake.me}/mentions")
    assert not fake.calls_to("GET", "/2/dm_events")
