"""Routing that follows staff, through real PTB and FakeTelegram: a student's message lands with
the default team, correcting its topic moves it to IT, a second subject is split off to
estates, and the student's later messages join the item they answer."""

from __future__ import annotations

from handlers.inbox.roles import Actor
from models.store.inbox.types import ItemView
from tests.fakes.chat import Chat
from tests.fakes.running import RunningBot
from tests.fakes.waiting import wait_until
from tests.support.queue_scenario import queued_item, staff

EDUROAM = "eduroam keeps dropping out in the reading room"
RADIATOR = "also the radiator next to my desk is broken"


async def item(bot: RunningBot, item_id: int) -> ItemView:
    found = await bot.store.inbox.item(item_id=item_id)
    assert found is not None
    return found


async def joins(bot: RunningBot, item_id: int, text: str) -> None:
    """Wait until the person's message ``text`` is the item's latest."""

    async def latest() -> bool:
        return (await item(bot, item_id)).row.text == text

    await wait_until(latest, what=f"{text!r} joining item {item_id}")


async def test_a_topic_correction_moves_the_item_to_the_new_team(chat: Chat, db_url: str) -> None:
    bot = await chat.start("telegram", database_url=db_url)
    student = chat.on("telegram")
    await student.says(EDUROAM)
    queued = await queued_item(bot)
    assert queued.team == "customer_engagement"  # no topic of its own: the default team
    ann = await staff(bot)
    moved = await bot.app.inbox.relabel(ann, queued.id, field="topic", value="wifi_and_it")
    assert moved is not None and moved.to_team == "it_services"
    now = await item(bot, queued.id)
    assert (now.row.topic, now.row.team, now.row.due_at) == (
        "wifi_and_it",
        "it_services",
        queued.due_at,
    )
    await student.says("it dropped again just now")
    await joins(bot, queued.id, "it dropped again just now")
    assert (await item(bot, queued.id)).row.team == "it_services"


async def test_a_second_subject_is_split_off_and_replies_find_their_item(
    chat: Chat, sqlite_url: str
) -> None:
    bot = await chat.start("telegram", database_url=sqlite_url)
    student = chat.on("telegram")
    await student.says("the wifi in the reading room keeps dropping")
    wifi = await queued_item(bot)
    lead = await staff(bot, "lee@lib.ac.uk", role="lead")
    await bot.app.inbox.relabel(lead, wifi.id, field="topic", value="wifi_and_it")
    await student.says(RADIATOR)
    await joins(bot, wifi.id, RADIATOR)
    page = await bot.app.inbox.page(lead, wifi.id)
    [radiator_message] = [e.message_id for e in page.splittable() if e.text == RADIATOR]
    assert radiator_message is not None
    heating = await bot.app.inbox.moves.split(
        lead, wifi.id, [radiator_message], topic="building_and_facilities", priority="high"
    )
    split = await item(bot, heating)
    assert (split.row.team, split.row.priority, split.row.text) == ("estates", "high", RADIATOR)
    assert (await item(bot, wifi.id)).row.team == "it_services"

    ann = Actor((await staff(bot, "ann@lib.ac.uk")).id, "agent", "Ann", team="it_services")
    await bot.app.inbox.reply(ann, wifi.id, "Which floor are you on?")
    question = await chat.expect_reply(student, contains="Which floor")
    await student.says("floor 2, by the windows", replying_to=question)
    await joins(bot, wifi.id, "floor 2, by the windows")  # not the newer radiator item
    await student.says("and it is freezing", replying_to=None)
    await joins(bot, wifi.id, "and it is freezing")  # the most recently active open item
    assert (await item(bot, heating)).row.text == RADIATOR
