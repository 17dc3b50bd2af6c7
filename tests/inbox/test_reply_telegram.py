"""Telegram, through real PTB and FakeTelegram: a student's message is queued, a member of
staff replies in the same chat, resolves, and the student answers the satisfaction question."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from config.settings import Settings
from tests.adapters.test_telegram_scenarios import bot_with_telegram, telegram_settings
from tests.fakes import telegram_payloads as tp
from tests.fakes.telegram import FakeTelegram
from tests.inbox.scenario import PRINTER, answered, csat, queued_item, reply_entry, staff


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


def sent(fake: FakeTelegram, text: str) -> list[dict[str, Any]]:
    return [c.params for c in fake.calls_to("sendMessage") if text in str(c.params["text"])]


async def test_reply_resolve_and_satisfaction_in_the_students_chat(
    db_url: str, make_settings: Callable[..., Settings], fake: FakeTelegram
) -> None:
    settings = telegram_settings(make_settings, db_url, fake)
    async with bot_with_telegram(settings) as (bot, _):
        await fake.push(tp.message_update(PRINTER, message_id=17))
        item = await queued_item(bot)
        assert (item.channel, item.status, item.text) == ("telegram", "new", PRINTER)
        ann = await staff(bot)
        assert (await bot.app.inbox.claim(ann, item.id)).won
        await bot.app.inbox.reply(ann, item.id, "Sorry! Bring your card to the desk for a refund.")
        await reply_entry(bot, item.id, "sent")
        [reply] = sent(fake, "refund")
        assert reply["chat_id"] == "5550001" and reply["reply_parameters"]["message_id"] == 17

        await bot.app.inbox.resolve(ann, [item.id])
        await bot.wait_for(lambda: _true(sent(fake, "How satisfied")), what="CSAT question")
        [question] = sent(fake, "How satisfied")
        buttons = [b for row in question["reply_markup"]["inline_keyboard"] for b in row]
        assert question["chat_id"] == "5550001" and len(buttons) == 5
        await bot.app.inbox.resolve(ann, [item.id])  # again: no second question
        await fake.push(tp.callback_update(buttons[3]["callback_data"]))
        await answered(bot, item.id, 4)
        assert (await csat(bot, item.id)).staff_id == ann.id
        assert len(sent(fake, "How satisfied")) == 1


async def test_a_reply_telegram_refuses_shows_failed_with_the_reason_and_can_be_retried(
    sqlite_url: str, make_settings: Callable[..., Settings], fake: FakeTelegram
) -> None:
    settings = telegram_settings(make_settings, sqlite_url, fake)
    async with bot_with_telegram(settings) as (bot, _):
        await fake.push(tp.message_update(PRINTER, message_id=17))
        item = await queued_item(bot)
        ann = await staff(bot)
        await bot.wait_for(lambda: _true(sent(fake, "Thanks for your message")), what="ack")
        fake.fail_next(
            1,
            status=403,
            methods=["sendMessage"],
            description="Forbidden: bot was blocked by the user",
        )
        await bot.app.inbox.reply(ann, item.id, "We have refunded you.")
        failed = await reply_entry(bot, item.id, "failed")
        assert "bot was blocked by the user" in failed.error
        assert failed.entry_id is not None
        assert await bot.app.inbox.retry_reply(ann, failed.entry_id)
        await reply_entry(bot, item.id, "sent")
        assert len(sent(fake, "refunded")) == 1


async def test_a_low_satisfaction_answer_reopens_the_item_with_a_note(
    sqlite_url: str, make_settings: Callable[..., Settings], fake: FakeTelegram
) -> None:
    settings = telegram_settings(make_settings, sqlite_url, fake)
    async with bot_with_telegram(settings) as (bot, _):
        await fake.push(tp.message_update(PRINTER, message_id=17))
        item = await queued_item(bot)
        ann = await staff(bot)
        await bot.app.inbox.reply(ann, item.id, "Refunded.")
        await bot.app.inbox.resolve(ann, [item.id])
        await bot.wait_for(lambda: _true(sent(fake, "How satisfied")), what="CSAT question")
        [question] = sent(fake, "How satisfied")
        low = question["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        await fake.push(tp.callback_update(low))
        await answered(bot, item.id, 1)

        async def reopened() -> bool:
            view = await bot.store.inbox.item(item_id=item.id)
            return view is not None and view.row.status == "open"

        await bot.wait_for(reopened, what="item reopened")
        page = await bot.app.inbox.page(ann, item.id)
        [note] = [e for e in page.entries if e.kind == "note"]
        assert "1 out of 5" in note.text


async def _true(value: object) -> bool:
    return bool(value)


async def test_a_question_in_a_forum_topic_is_answered_in_that_topic(
    sqlite_url: str, make_settings: Callable[..., Settings], fake: FakeTelegram
) -> None:
    settings = telegram_settings(make_settings, sqlite_url, fake)
    async with bot_with_telegram(settings) as (bot, _):
        chat = tp.group_chat(forum=True)
        question = tp.message_update("Is the cafe open today?", message_id=8, chat=chat, topic=4402)
        await fake.push(question)
        item = await queued_item(bot)
        ann = await staff(bot)
        await bot.app.inbox.reply(ann, item.id, "Yes, until 4pm.")
        await reply_entry(bot, item.id, "sent")
        [reply] = sent(fake, "until 4pm")
        assert (reply["chat_id"], reply["message_thread_id"]) == ("-1001234567890", "4402")
        assert reply["reply_parameters"]["message_id"] == 8
