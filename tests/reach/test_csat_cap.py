"""The satisfaction question counts towards the per-person contact cap and respects it; after a
person answers it, they are asked once whether the library may contact them again, and their
"Yes" is their consent. Through real PTB and FakeTelegram."""

from __future__ import annotations

from datetime import timedelta

from bot.events import utcnow
from tests.fakes.chat import Chat
from tests.fakes.waiting import wait_until
from tests.fakes.wording import shipped_wording
from tests.support.queue_scenario import PRINTER, answered, csat, queued_item, reply_entry, staff

QUESTION = "How satisfied"


async def test_the_question_counts_and_a_yes_to_contact_again_is_consent(
    chat: Chat, db_url: str
) -> None:
    bot = await chat.start("telegram", database_url=db_url)
    student = chat.on("telegram")
    await student.says(PRINTER, message_id=17)
    item = await queued_item(bot)
    ann = await staff(bot)
    await bot.app.inbox.reply(ann, item.id, "Refunded.")
    await reply_entry(bot, item.id, "sent")
    await bot.app.inbox.resolve(ann, [item.id])
    await chat.expect_reply(student, contains=QUESTION)
    asked = await bot.store.reach.asked_since(since=utcnow() - timedelta(hours=1))
    assert list(asked.values()) == [1]  # the question is in the ledger
    await student.taps("4 Good")
    await answered(bot, item.id, 4)
    again = shipped_wording().text("reach.consent_question")
    await chat.expect_reply(student, contains=again)
    await student.taps("Yes")

    async def consented() -> bool:
        return len(await bot.store.reach.consented()) == 1

    await wait_until(consented, what="the yes stored as consent")
    assert len(await chat.expect_replies(student, contains=again)) == 1  # asked once


async def test_a_person_asked_twice_this_week_is_not_asked_the_question(
    chat: Chat, sqlite_url: str
) -> None:
    bot = await chat.start("telegram", database_url=sqlite_url)
    student = chat.on("telegram")
    await student.says(PRINTER, message_id=17)
    item = await queued_item(bot)
    full = await bot.store.inbox.item(item_id=item.id)
    assert full is not None
    contact = full.contact_id
    await bot.store.reach.record(contact_ids=[contact, contact], kind="poll", ref="p", at=utcnow())
    ann = await staff(bot)
    await bot.app.inbox.reply(ann, item.id, "Refunded.")
    await reply_entry(bot, item.id, "sent")
    assert not await bot.app.inbox.resolve_would_ask(ann, item.id)
    await bot.app.inbox.resolve(ann, [item.id])
    await chat.expect_reply(student, contains="Refunded.")
    assert not [m for m in await student.heard() if QUESTION in m.text]
    assert await csat(bot, item.id) is None
