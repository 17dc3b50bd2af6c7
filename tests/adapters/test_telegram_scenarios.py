"""Telegram through the whole bot: real PTB against FakeTelegram, the real store and outbox."""

from __future__ import annotations

import asyncio

import httpx

from bot.channel import ChannelState
from tests.fakes.chat import Chat, Person
from tests.fakes.telegram import deliver_webhook
from tests.fakes.waiting import wait_until

SECRET = "scenario-webhook-secret-42"
ACK = "Thanks for your message"
GROUP = -1001234567890


async def inbound(chat: Chat) -> list[str]:
    """Platform ids of the stored inbound Telegram messages, oldest first."""
    views = await chat.store.messages.find(channel="telegram", limit=10_000, newest_first=False)
    return [m.platform_id for m in views if m.direction == "in"]


async def test_message_in_stored_once_and_acknowledged_on_the_same_chat(
    chat: Chat, db_url: str
) -> None:
    await chat.start("telegram", database_url=db_url)
    ada = chat.on("telegram")
    said = await ada.says("The printer on floor 2 is broken", message_id=17)
    ack = await chat.expect_reply(ada, contains=ACK)
    [view] = [m for m in await chat.store.messages.find(channel="telegram") if m.direction == "in"]
    assert said.platform_id == view.platform_id == "5550001:17" and view.contact_id is not None
    conversation = await chat.store.messages.conversation_at(channel="telegram", chat="5550001")
    assert conversation == view.conversation_id
    assert ack.raw.params["chat_id"] == "5550001"
    assert ack.raw.params["reply_parameters"] == {
        "message_id": 17,
        "allow_sending_without_reply": True,
    }
    assert len(await chat.expect_replies(ada, contains=ACK)) == 1


async def test_forum_topic_is_acknowledged_in_the_topic(chat: Chat, sqlite_url: str) -> None:
    await chat.start("telegram", database_url=sqlite_url)
    ada = chat.on("telegram", group=GROUP, topic=4402)
    await ada.says("Is it always this noisy here?")  # a question: a person will answer
    [ack] = await chat.expect_replies(ada, contains=ACK)
    assert (ack.raw.params["chat_id"], ack.raw.params["message_thread_id"]) == (
        "-1001234567890",
        "4402",
    )


async def test_ten_deliveries_by_getupdates_are_stored_once(chat: Chat, db_url: str) -> None:
    await chat.start("telegram", database_url=db_url)
    ada = chat.on("telegram")
    await ada.says("Once please", message_id=5, times=10)
    await wait_until(lambda: chat.telegram.pending == 0, what="offset confirmed")
    await chat.expect_reply(ada, contains=ACK)
    assert await inbound(chat) == ["5550001:5"]
    assert len(await chat.expect_replies(ada, contains=ACK)) == 1


async def test_ten_webhook_deliveries_are_stored_once_and_forgeries_rejected(
    chat: Chat, db_url: str
) -> None:
    from tests.fakes import telegram_payloads as tp

    bot = await chat.start("telegram", database_url=db_url, telegram_webhook_secret=SECRET)
    url = f"{bot.url}/telegram/webhook"
    forged = {"update_id": 1, **tp.message_update("forged", message_id=1)}
    assert await deliver_webhook(url, forged, secret=None) == [403]
    assert await deliver_webhook(url, forged, secret="wrong") == [403]
    assert await inbound(chat) == []
    ada = chat.on("telegram", webhook_secret=SECRET)
    said = await ada.says("Real one", message_id=2, times=10)
    assert said.answer == [200] * 10
    assert await inbound(chat) == ["5550001:2"]
    assert len(await chat.expect_replies(ada, contains=ACK)) == 1


async def test_429_on_the_acknowledgement_is_sent_once_after_the_wait(
    chat: Chat, sqlite_url: str
) -> None:
    chat.telegram.fail_next(1, status=429, retry_after=1, methods={"sendMessage"})
    await chat.start("telegram", database_url=sqlite_url)
    ada = chat.on("telegram")
    await ada.says("hello")
    await chat.expect_reply(ada, contains=ACK)
    attempts = chat.telegram.calls_to("sendMessage", ok=False)
    assert [c.status for c in attempts] == [429, 200]
    assert attempts[1].at - attempts[0].at >= 1.0
    reply_id = attempts[1].answer["result"]["message_id"]

    async def sent() -> bool:
        items = await chat.store.outbox.items()
        return [(i.status, i.platform_message_id) for i in items] == [
            ("sent", f"5550001:{reply_id}")
        ]

    await wait_until(sent, what="outbox item sent")


async def test_platform_5xx_reconnects_while_the_widget_keeps_working(
    chat: Chat, sqlite_url: str
) -> None:
    await chat.start("telegram", database_url=sqlite_url)
    tg, ada = chat.adapters["telegram"], chat.on("telegram")
    await wait_until(lambda: tg.state is ChannelState.UP, what="telegram up")
    chat.telegram.fail_next(3, status=503, methods={"getUpdates"})
    await ada.says("during the outage")
    await wait_until(lambda: tg.state is ChannelState.RECONNECTING, what="reconnecting")
    await _widget_works(chat)
    await wait_until(lambda: tg.state is ChannelState.UP, what="up again")
    await ada.says("after the outage")
    await wait_until(lambda: _count(chat, 2), what="both stored")


async def test_bad_token_marks_telegram_down_and_the_widget_still_works(
    chat: Chat, sqlite_url: str
) -> None:
    await chat.start("telegram", database_url=sqlite_url, telegram_token="42:not-the-token")
    tg = chat.adapters["telegram"]
    await wait_until(lambda: tg.state is ChannelState.DOWN, what="telegram down")
    async with httpx.AsyncClient(base_url=chat.bot.url) as http:
        health = (await http.get("/healthz")).json()
    assert health["channels"]["telegram"]["state"] == "down"
    assert "FEEDBOT_TELEGRAM_TOKEN" in health["channels"]["telegram"]["detail"]
    await _widget_works(chat)


async def test_restart_mid_stream_no_gaps_no_duplicates(chat: Chat, db_url: str) -> None:
    await chat.start("telegram", database_url=db_url)
    producer = asyncio.create_task(_produce(chat.on("telegram"), 120))
    await wait_until(lambda: _count(chat, 30, at_least=True), what="first 30")
    await chat.restart()
    await producer
    await wait_until(lambda: _count(chat, 120), within=20, what="all 120")
    assert sorted(await inbound(chat)) == sorted(f"5550001:{i}" for i in range(1, 121))
    assert await chat.store.cursors.get(name="telegram.offset") == "121"


async def _produce(person: Person, n: int) -> None:
    for i in range(1, n + 1):
        await person.says(f"message {i}")
        if i % 4 == 0:
            await asyncio.sleep(0.01)


async def _widget_works(chat: Chat) -> None:
    said = await chat.on("widget").says("Widget is fine")
    assert said.status == 202


async def _count(chat: Chat, n: int, *, at_least: bool = False) -> bool:
    got = len(await inbound(chat))
    return got >= n if at_least else got == n


ODD_TEXTS = (["a"], 12345, {"t": 1}, True, 1.5)


async def test_odd_webhook_updates_are_acknowledged_and_not_stored(chat: Chat, db_url: str) -> None:
    from tests.fakes import telegram_payloads as tp

    bot = await chat.start("telegram", database_url=db_url, telegram_webhook_secret=SECRET)
    url = f"{bot.url}/telegram/webhook"
    for n, text in enumerate(ODD_TEXTS, start=1):
        update = {"update_id": n, **tp.message_update("x", message_id=n)}
        update["message"]["text"] = text
        assert await deliver_webhook(url, update, secret=SECRET) == [200], text
    unreadable = {"update_id": 90, "message": 5}
    assert await deliver_webhook(url, unreadable, secret=SECRET) == [200]
    ada = chat.on("telegram", webhook_secret=SECRET)
    assert (await ada.says("A real one after them", message_id=91)).answer == [200]
    assert await inbound(chat) == ["5550001:91"]


async def test_odd_updates_do_not_wedge_the_long_poll(chat: Chat, db_url: str) -> None:
    from tests.fakes import telegram_payloads as tp

    await chat.start("telegram", database_url=db_url)
    odd = []
    for n, text in enumerate(ODD_TEXTS, start=1):
        update = tp.message_update("x", message_id=n)
        update["message"]["text"] = text
        odd.append(update)
    await chat.telegram.push(*odd)
    ada = chat.on("telegram")
    await ada.says("Still listening?", message_id=77)
    await chat.expect_reply(ada, contains=ACK)
    await wait_until(lambda: chat.telegram.pending == 0, what="offset confirmed")
    assert await inbound(chat) == ["5550001:77"]
