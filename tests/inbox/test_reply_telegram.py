"""Telegram, through real PTB and FakeTelegram: a student's message is queued, a member of
staff replies in the same chat, resolves, and the student answers the satisfaction question."""

from __future__ import annotations

from tests.fakes.chat import Chat
from tests.fakes.waiting import wait_until
from tests.support.queue_scenario import PRINTER, answered, csat, queued_item, reply_entry, staff

ACK = "Thanks for your message"
QUESTION = "How satisfied"
GROUP = -1001234567890


async def test_reply_resolve_and_satisfaction_in_the_students_chat(chat: Chat, db_url: str) -> None:
    bot = await chat.start("telegram", database_url=db_url)
    student = chat.on("telegram")
    await student.says(PRINTER, message_id=17)
    item = await queued_item(bot)
    assert (item.channel, item.status, item.text) == ("telegram", "new", PRINTER)
    ann = await staff(bot)
    assert (await bot.app.inbox.claim(ann, item.id)).won
    text = "Sorry! Bring your card to the desk for a refund."
    await bot.app.inbox.reply(ann, item.id, text)
    await reply_entry(bot, item.id, "sent")
    reply = await chat.expect_reply(student, contains=text)
    assert reply.raw.params["chat_id"] == "5550001"
    assert reply.raw.params["reply_parameters"]["message_id"] == 17

    await bot.app.inbox.resolve(ann, [item.id])
    question = await chat.expect_reply(student, contains=QUESTION)
    assert question.raw.params["chat_id"] == "5550001" and len(question.options) == 5
    await bot.app.inbox.resolve(ann, [item.id])  # again: no second question
    await student.taps("4 Good")
    await answered(bot, item.id, 4)
    assert (await csat(bot, item.id)).staff_id == ann.id
    assert len(await chat.expect_replies(student, contains=QUESTION)) == 1


async def test_a_reply_telegram_refuses_shows_failed_with_the_reason_and_can_be_retried(
    chat: Chat, sqlite_url: str
) -> None:
    bot = await chat.start("telegram", database_url=sqlite_url)
    student = chat.on("telegram")
    await student.says(PRINTER, message_id=17)
    item = await queued_item(bot)
    ann = await staff(bot)
    await chat.expect_reply(student, contains=ACK)
    chat.telegram.fail_next(
        1,
        status=403,
        methods=["sendMessage"],
        description="Forbidden: bot was blocked by the user",
    )
    await bot.app.inbox.reply(ann, item.id, "We have refunded you.")
    failed = await reply_entry(bot, item.id, "failed")
    assert "bot was blocked by the user" in failed.error
    assert await student.heard() == await chat.expect_replies(student, contains=ACK)
    assert failed.entry_id is not None
    assert await bot.app.inbox.retry_reply(ann, failed.entry_id)
    await reply_entry(bot, item.id, "sent")
    assert len(await chat.expect_replies(student, contains="refunded")) == 1


async def test_a_low_satisfaction_answer_reopens_the_item_with_a_note(
    chat: Chat, sqlite_url: str
) -> None:
    bot = await chat.start("telegram", database_url=sqlite_url)
    student = chat.on("telegram")
    await student.says(PRINTER, message_id=17)
    item = await queued_item(bot)
    ann = await staff(bot)
    await bot.app.inbox.reply(ann, item.id, "Refunded.")
    await bot.app.inbox.resolve(ann, [item.id])
    await chat.expect_reply(student, contains=QUESTION)
    await student.taps("1 Very poor")
    await answered(bot, item.id, 1)

    async def reopened() -> bool:
        view = await bot.store.inbox.item(item_id=item.id)
        return view is not None and view.row.status == "open"

    await wait_until(reopened, what="item reopened")
    page = await bot.app.inbox.page(ann, item.id)
    [note] = [e for e in page.entries if e.kind == "note"]
    assert "1 out of 5" in note.text


async def test_a_question_in_a_forum_topic_is_answered_in_that_topic(
    chat: Chat, sqlite_url: str
) -> None:
    bot = await chat.start("telegram", database_url=sqlite_url)
    student = chat.on("telegram", group=GROUP, topic=4402)
    await student.says("Is the cafe open today?", message_id=8)
    item = await queued_item(bot)
    ann = await staff(bot)
    await bot.app.inbox.reply(ann, item.id, "Yes, until 4pm.")
    await reply_entry(bot, item.id, "sent")
    reply = await chat.expect_reply(student, contains="until 4pm")
    params = reply.raw.params
    assert (params["chat_id"], params["message_thread_id"]) == ("-1001234567890", "4402")
    assert params["reply_parameters"]["message_id"] == 8


async def test_a_person_who_said_stop_is_not_asked_the_satisfaction_question(
    chat: Chat, sqlite_url: str
) -> None:
    bot = await chat.start("telegram", database_url=sqlite_url)
    student = chat.on("telegram")
    await student.says(PRINTER, message_id=17)
    item = await queued_item(bot)
    await student.says("stop", message_id=18)
    await chat.expect_reply(student, contains="no more messages")
    ann = await staff(bot)
    await bot.app.inbox.reply(ann, item.id, "Refunded.")
    await reply_entry(bot, item.id, "sent")
    assert not await bot.app.inbox.resolve_would_ask(ann, item.id)
    await bot.app.inbox.resolve(ann, [item.id])
    await chat.expect_reply(student, contains="Refunded.")
    assert not [m for m in await student.heard() if QUESTION in m.text]
    assert await csat(bot, item.id) is None
