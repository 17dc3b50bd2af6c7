"""Languages in conversations, through real PTB and FakeTelegram: a Spanish message is stored
as Spanish, labelled unsure rather than guessed, and found under the language filter (store,
queue page, CLI); a Welsh speaker is remembered as Welsh, even for a "Diolch!" too short to
tell; English is still labelled by the model."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx

from models.store.inbox.types import QueueFilter
from tests.fakes.chat import Chat
from tests.fakes.classifier import KeywordClassifier
from tests.fakes.running import RunningBot
from tests.fakes.waiting import wait_until
from tests.support.cli import base_env, invoke
from tests.support.queue_scenario import queued_item
from tests.support.staff import add_staff, log_in

SPANISH = "Hola, el wifi no funciona en la segunda planta y nadie me ayuda"
WELSH = "Mae hi'n swnllyd iawn ar y llawr uchaf heno, allwch chi helpu?"


async def inbound(bot: RunningBot, count: int) -> list[dict[str, object]]:
    """Wait until ``count`` inbound messages are processed; their language and labels."""
    found: list[dict[str, object]] = []

    async def processed() -> bool:
        rows = [m for m in await bot.store.messages.find() if m.direction == "in"]
        found[:] = [
            {"text": m.text, "language": m.language, "sentiment": m.sentiment, "topic": m.topic}
            for m in reversed(rows)
            if m.processed
        ]
        return len(found) == count

    await wait_until(processed, what=f"{count} messages processed")
    return found


async def test_a_spanish_message_is_stored_as_spanish_labelled_unsure_and_filtered(
    chat: Chat, db_url: str, tmp_path: Path
) -> None:
    bot = await chat.start("telegram", database_url=db_url, classifier=KeywordClassifier())
    student = chat.on("telegram")
    await student.says(SPANISH)
    item = await queued_item(bot)
    [said] = await inbound(bot, 1)
    assert said == {"text": SPANISH, "language": "es", "sentiment": "unsure", "topic": "unsure"}
    assert (item.language, item.topic, item.sentiment) == ("es", "unsure", "unsure")

    in_spanish = await bot.store.inbox.listing(filter=QueueFilter(language="es"))
    assert [r.id for r in in_spanish] == [item.id]
    assert await bot.store.inbox.listing(filter=QueueFilter(language="en")) == []
    reads = await bot.store.inbox.listing(filter=QueueFilter(languages=("cy", "es")))
    assert [r.id for r in reads] == [item.id]

    env = base_env(tmp_path, database_url=db_url)
    listed = await asyncio.to_thread(invoke, env, "queue", "list", "--json", "--language", "es")
    assert listed.code == 0, listed.stderr
    [line] = [json.loads(x) for x in listed.stdout.splitlines()]
    assert (line["id"], line["language"], line["topic"], line["sentiment"]) == (
        item.id,
        "es",
        "unsure",
        "unsure",
    )
    welsh = await asyncio.to_thread(invoke, env, "queue", "list", "--json", "--language", "cy")
    assert (welsh.code, welsh.stdout) == (0, "")
    messages = await asyncio.to_thread(invoke, env, "messages", "list", "--json")
    [message] = [json.loads(x) for x in messages.stdout.splitlines() if SPANISH in x]
    assert (message["language"], message["sentiment"], message["topic"]) == (
        "es",
        "unsure",
        "unsure",
    )


async def test_the_queue_page_filters_by_language_and_by_the_languages_i_read(
    chat: Chat, sqlite_url: str
) -> None:
    bot = await chat.start("telegram", database_url=sqlite_url, classifier=KeywordClassifier())
    await chat.on("telegram").says(SPANISH)
    item = await queued_item(bot)
    await add_staff(bot.store, "ana@lib.ac.uk")
    await bot.store.staff.set_languages(email="ana@lib.ac.uk", languages=("es",), actor="test")
    async with httpx.AsyncClient(base_url=bot.url) as http:
        await log_in(http, "ana@lib.ac.uk")
        page = (await http.get("/inbox/", params={"language": "es"})).text
        assert f"/inbox/items/{item.id}" in page and "Language: Spanish (es)" in page
        assert "Topic: Unsure (language not read)" in page and "Sentiment: unsure" in page
        mine = (await http.get("/inbox/", params={"language": "mine"})).text
        assert f"/inbox/items/{item.id}" in mine and "Languages I read (es)" in mine
        english = (await http.get("/inbox/", params={"language": "en"})).text
        assert f"/inbox/items/{item.id}" not in english
        shown = (await http.get(f"/inbox/items/{item.id}")).text
        assert "<dt>Language</dt><dd>Spanish (es)</dd>" in shown


async def test_a_welsh_speaker_is_remembered_as_welsh(chat: Chat, db_url: str) -> None:
    bot = await chat.start("telegram", database_url=db_url, classifier=KeywordClassifier())
    student = chat.on("telegram")
    await student.says(WELSH)
    item = await queued_item(bot)
    assert (await inbound(bot, 1))[0]["language"] == "cy"
    page = await bot.store.inbox.item(item_id=item.id)
    assert page is not None
    assert await bot.store.languages.of_person(contact_id=page.contact_id) == "cy"
    await student.says("Diolch!")  # too short to tell: the person's language
    assert (await inbound(bot, 2))[1] == {
        "text": "Diolch!",
        "language": "cy",
        "sentiment": "unsure",
        "topic": "unsure",
    }


async def test_english_is_still_labelled_by_the_model(chat: Chat, sqlite_url: str) -> None:
    bot = await chat.start("telegram", database_url=sqlite_url, classifier=KeywordClassifier())
    student = chat.on("telegram")
    await student.says("The wifi is broken again on floor 2")
    await student.says("thanks!")  # too short to tell, nothing known: English
    first, second = await inbound(bot, 2)
    assert (first["language"], first["topic"], first["sentiment"]) == (
        "en",
        "wifi_and_it",
        "negative",
    )
    assert (second["language"], second["sentiment"]) == ("en", "positive")
    item = await queued_item(bot)
    page = await bot.store.inbox.item(item_id=item.id)
    assert page is not None
    assert await bot.store.languages.of_person(contact_id=page.contact_id) == "en"
