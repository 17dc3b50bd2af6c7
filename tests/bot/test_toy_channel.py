"""A new channel is one folder and one registration line: a toy channel the bot has never
heard of (``tests/fakes/toy.py``), registered next to the catalog's, takes a message in over
its own HTTP protocol; the message is stored, labelled by the classifier, acknowledged and
queued like any other, and a librarian's reply from the inbox goes back out through it."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from bot.adapters import catalog
from config.settings import Settings
from tests.fakes import toy
from tests.fakes.classifier import KeywordClassifier
from tests.fakes.running import RunningBot, running_bot
from tests.fakes.waiting import wait_until
from tests.support.queue_scenario import queued_item, staff

KINDS = (*catalog.CHANNELS, toy.CHANNEL)  # the registration: one line, as in the catalog


async def said_to(client: httpx.AsyncClient, bot: RunningBot, person: str) -> list[str]:
    answer = await client.get(f"{bot.url}/toy/messages", params={"to": person})
    answer.raise_for_status()
    messages: list[str] = answer.json()["messages"]
    return messages


async def test_a_message_comes_in_through_a_new_channel_and_the_reply_goes_out_on_it(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings(database_url=db_url)
    started = running_bot(settings, classifier=KeywordClassifier(), kinds=KINDS)
    async with started as bot, httpx.AsyncClient() as client:
        assert "toy" in {a.channel.value for a in bot.app.adapters}

        said = {"id": "t1", "from": "ann", "text": "The printer on floor 2 is broken"}
        stored = await client.post(f"{bot.url}/toy/messages", json=said)
        assert stored.status_code == 202

        async def thanked() -> bool:
            return any("Thanks for your message" in m for m in await said_to(client, bot, "ann"))

        await wait_until(thanked, what="the acknowledgement on the toy channel")
        item = await queued_item(bot)
        assert (item.channel, item.text) == ("toy", said["text"])
        assert (item.topic, item.sentiment) == ("printing_and_scanning", "negative")

        librarian = await staff(bot)
        await bot.app.inbox.reply(librarian, item.id, "Sorry! We have called the technician.")

        async def answered() -> bool:
            return "Sorry! We have called the technician." in await said_to(client, bot, "ann")

        await wait_until(answered, what="the staff reply on the toy channel")
        again = await client.post(f"{bot.url}/toy/messages", json=said)  # redelivered
        assert again.json() == stored.json()


async def test_a_toy_message_the_store_cannot_keep_is_refused_in_one_line(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings(database_url=sqlite_url)
    async with running_bot(settings, kinds=KINDS) as bot, httpx.AsyncClient() as client:
        answer = await client.post(f"{bot.url}/toy/messages", json={"id": "t2", "from": "ann"})
        assert answer.status_code == 400
        assert answer.json() == {"error": "need id, from and text"}
