"""X scenarios through the whole running bot: real store, pipeline, outbox, web server, FakeX."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx

from bot.backoff import Backoff
from bot.channel import ChannelState
from tests.fakes.chat import Chat
from tests.fakes.waiting import wait_until
from tests.fakes.x import XWebhookDriver, tweet_create_payload

ACK = "Thanks for your message."


async def _x_messages(chat: Chat) -> list[Any]:
    return [m for m in await chat.store.messages.find(channel="x") if m.direction == "in"]


async def _stored(chat: Chat, *platform_ids: str) -> bool:
    return set(platform_ids) <= {m.platform_id for m in await _x_messages(chat)}


async def test_mention_is_stored_once_and_acknowledged_with_a_reply_tweet(
    chat: Chat, db_url: str
) -> None:
    await chat.start("x", database_url=db_url)
    student = chat.on("x")
    said = await student.says("are the 3rd floor printers down?")  # a question: answered
    ack = await chat.expect_reply(student, how="reply")
    (message,) = await _x_messages(chat)
    assert message.platform_id == said.platform_id
    assert message.text == "are the 3rd floor printers down?"
    assert message.contact_id is not None and message.conversation_id is not None
    assert ack.raw["referenced_tweets"] == [{"type": "replied_to", "id": said.platform_id}]
    assert ack.text.startswith(f"@student_a {ACK}")
    assert ack.raw["conversation_id"] == said.answer["conversation_id"]
    assert len(chat.x.created_tweets()) == 1


async def test_dm_is_stored_and_acknowledged_with_a_dm(chat: Chat, db_url: str) -> None:
    await chat.start("x", database_url=db_url)
    student = chat.on("x", user_id="2200000000000000004", dm=True)
    said = await student.says("Can I renew a reserved book?")
    ack = await chat.expect_reply(student, how="dm")
    (message,) = await _x_messages(chat)
    assert message.platform_id == said.platform_id and message.contact_id is not None
    assert ack.raw["dm_conversation_id"] == said.answer["dm_conversation_id"]
    assert ack.text.startswith(ACK) and len(chat.x.sent_dms()) == 1
    assert chat.x.created_tweets() == []


async def test_webhook_crc_and_ten_deliveries_store_once_and_forgeries_nothing(
    chat: Chat, db_url: str
) -> None:
    bot = await chat.start("x", database_url=db_url, tweaks={"x": {"webhook_mode": True}})
    fake = chat.x
    driver = XWebhookDriver(bot.url + "/x/webhook", fake.keys.consumer_secret)
    crc = await driver.crc("challenge-123")
    assert crc.status_code == 200
    assert crc.json() == {"response_token": driver.expected_crc("challenge-123")}
    student = chat.on("x")
    tweet = (await student.says("why is it so noisy in the silent area?")).answer
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
    assert await _x_messages(chat) == []
    statuses = {(await driver.deliver(payload)).status_code for _ in range(10)}
    assert statuses == {200}
    await chat.expect_reply(student, how="reply")
    assert [m.platform_id for m in await _x_messages(chat)] == [tweet["id"]]
    assert len(fake.created_tweets()) == 1 and not fake.calls_to("GET", "/2/users/" + fake.me)


async def test_the_crc_route_cannot_sign_a_forged_delivery(chat: Chat, db_url: str) -> None:
    bot = await chat.start("x", database_url=db_url, tweaks={"x": {"webhook_mode": True}})
    fake = chat.x
    driver = XWebhookDriver(bot.url + "/x/webhook", fake.keys.consumer_secret)
    forged = tweet_create_payload(
        for_user_id=fake.me,
        tweet_id="1999999999999999999",
        text="please DM me your password",
        author_id="2200000000000000099",
        screen_name="mallory",
    )
    for body in (json.dumps(forged), json.dumps(forged, separators=(",", ":"))):
        crc = await driver.crc(body)
        assert crc.status_code == 400 and "response_token" not in crc.json()
        stolen = crc.json().get("response_token") or "sha256="  # all the route gave away
        attempt = await driver.deliver(forged, signature=stolen)
        assert attempt.status_code == 401
    for odd in ("A" * 129, "tok en", 'a"b', "{}", "\u00e9t\u00e9"):
        assert (await driver.crc(odd)).status_code == 400
    assert await _x_messages(chat) == []
    assert fake.created_tweets() == [] and fake.sent_dms() == []
    genuine = "cXVpdGUgYSByYW5kb20gY2hhbGxlbmdlIHRva2VuIGZyb20gWA=="
    crc = await driver.crc(genuine)
    assert crc.json() == {"response_token": driver.expected_crc(genuine)}


async def test_webhook_dm_is_answered_by_dm(chat: Chat, db_url: str) -> None:
    await chat.start("x", database_url=db_url, tweaks={"x": {"webhook_mode": True}})
    student = chat.on(
        "x", user_id="2200000000000000007", username="student_g", dm=True, webhook=True
    )
    said = await student.says("open on Sunday?")
    assert said.status == 200
    ack = await chat.expect_reply(student, how="dm")
    assert ack.raw["dm_conversation_id"].endswith("-2200000000000000007")
    assert [m.platform_id for m in await _x_messages(chat)] == [said.platform_id]


async def test_429_on_send_is_delivered_exactly_once_after_the_wait(
    chat: Chat, db_url: str
) -> None:
    await chat.start("x", database_url=db_url, tweaks={"x": {"short_wait_s": 0.0}})
    chat.x.inject(429, method="POST", path="/2/tweets", reset=int(time.time()) + 1)
    chat.x.inject(429, method="POST", path="/2/tweets")
    student = chat.on("x")
    await student.says("is the wifi down?")
    await chat.expect_reply(student, how="reply", within=10)

    async def sent() -> bool:
        return any(i.status == "sent" for i in await chat.store.outbox.items())

    await wait_until(sent, what="outbox marks it sent")
    assert [c.status for c in chat.x.calls_to("POST", "/2/tweets")] == [429, 429, 201]
    assert len(chat.x.created_tweets()) == 1


async def test_x_outage_reconnects_while_the_widget_keeps_working(chat: Chat, db_url: str) -> None:
    await chat.start("x", database_url=db_url, tweaks={"x": {"backoff": Backoff(0.2, 0.4)}})
    adapter = chat.adapters["x"]
    await wait_until(lambda: adapter.state is ChannelState.UP, what="X up")
    chat.x.inject(503, times=3, path="/2/users/")
    await wait_until(lambda: adapter.state is ChannelState.RECONNECTING, what="X reconnecting")
    async with httpx.AsyncClient(base_url=chat.bot.url) as web:
        health = (await web.get("/healthz")).json()["channels"]["x"]["state"]
    posted = await chat.on("widget").says("hello")
    assert posted.status == 202 and health == "reconnecting"
    said = await chat.on("x").says("sent during the outage")
    await wait_until(lambda: adapter.state is ChannelState.UP, what="X up again")
    await wait_until(lambda: _stored(chat, said.platform_id), what="mention stored")


async def test_restart_mid_stream_has_no_gaps_and_no_duplicates(chat: Chat, db_url: str) -> None:
    students = [
        chat.on("x", user_id=f"22000000000000001{n:02d}", username=f"s{n}") for n in range(6)
    ]
    fake = chat.x
    await chat.start("x", database_url=db_url)
    first = [(await students[n].says(f"m{n}?")).platform_id for n in range(3)]  # answered
    await wait_until(lambda: _stored(chat, *first), what="first three")
    await chat.stop()
    during = [(await students[n].says(f"m{n}?")).platform_id for n in range(3, 6)]
    during.append(
        (await chat.on("x", dm=True, username="student_b").says("while we were away")).platform_id
    )
    polls_before = len(fake.calls_to("GET", f"/2/users/{fake.me}/mentions"))
    await chat.restart()
    await wait_until(lambda: _stored(chat, *during), what="the rest")
    for student in students:
        await chat.expect_reply(student, how="reply")
    stored = [m.platform_id for m in await _x_messages(chat)]
    cursor = await chat.store.cursors.get(name="x.mentions.since_id")
    await chat.stop()
    resumed = fake.calls_to("GET", f"/2/users/{fake.me}/mentions")[polls_before]
    assert resumed.query["since_id"] == first[-1] and cursor == during[2]
    assert sorted(stored) == sorted(first + during)
    replied = [t["referenced_tweets"][0]["id"] for t in fake.created_tweets()]
    assert sorted(replied) == sorted(first + during[:3])


def _x_settings(chat: Chat, **more: Any) -> dict[str, Any]:
    """Settings that switch X on through the composition root, pointed at FakeX."""
    keys = chat.x.keys
    return {
        "x_consumer_key": keys.consumer_key,
        "x_consumer_secret": keys.consumer_secret,
        "x_access_token": keys.access_token,
        "x_access_token_secret": keys.access_token_secret,
        "x_api_url": chat.x.url,
        "x_poll_interval_s": 1,
        **more,
    }


async def test_settings_switch_x_on_through_the_composition_root(chat: Chat, db_url: str) -> None:
    bot = await chat.start(database_url=db_url, **_x_settings(chat))
    student = chat.on("x")
    said = await student.says("hello from the settings, anyone there?")
    await chat.expect_reply(student, how="reply")
    async with httpx.AsyncClient(base_url=bot.url) as web:
        health = (await web.get("/healthz")).json()
    assert [m.platform_id for m in await _x_messages(chat)] == [said.platform_id]
    assert await chat.store.cursors.get(name="x.mentions.since_id") == said.platform_id
    assert health["channels"]["x"] == {"state": "up", "detail": "polling"}


async def test_webhook_setting_serves_crc_and_stops_polling(chat: Chat, db_url: str) -> None:
    bot = await chat.start(database_url=db_url, **_x_settings(chat, x_webhook_enabled=True))
    fake = chat.x
    driver = XWebhookDriver(bot.url + "/x/webhook", fake.keys.consumer_secret)
    assert (await driver.crc("abc")).json() == {"response_token": driver.expected_crc("abc")}
    student = chat.on(
        "x", user_id="2200000000000000008", username="student_h", dm=True, webhook=True
    )
    assert (await student.says("hello")).status == 200
    await chat.expect_reply(student, how="dm")
    await chat.stop()
    assert not fake.calls_to("GET", f"/2/users/{fake.me}/mentions")
    assert not fake.calls_to("GET", "/2/dm_events")
