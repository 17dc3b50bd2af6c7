"""A poll on Telegram through the real SDK: a native non-anonymous poll out, poll_answer in."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from bot.adapters.telegram.adapter import TAPPED
from config.settings import Settings
from handlers import polls
from handlers.poll_kinds import standard_options
from models.store.polls import Target
from tests.adapters.test_telegram_scenarios import bot_with_telegram, telegram_settings
from tests.fakes import telegram_payloads as tp
from tests.fakes.telegram import Call, FakeTelegram
from tests.harness import RunningBot

GROUP = "-1001234567890"
FOLLOW_UP = "Sorry to hear that. What could we do better?"


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


async def counts(bot: RunningBot, poll_id: int) -> dict[str, int]:
    return {o.key: o.count for o in (await polls.results(bot.store, poll_id)).options}


async def test_native_poll_vote_change_retract_redeliver_and_follow_up(
    db_url: str, make_settings: Callable[..., Settings], fake: FakeTelegram
) -> None:
    async with bot_with_telegram(telegram_settings(make_settings, db_url, fake)) as (bot, _):
        poll_id = await bot.store.create_poll(
            targets=[Target("telegram", GROUP, 120)],
            options=standard_options("csat", []),
            question="How was the help desk today?",
            kind="csat",
            follow_up=FOLLOW_UP,
        )
        await polls.send(bot.store, poll_id, bot.app.delivery.wake)
        [sent] = await _calls(bot, fake, "sendPoll", 1)
        assert sent.params["is_anonymous"] is False

        async def posted() -> bool:
            return [o.status for o in await bot.store.outbox_items()] == ["sent"]

        await bot.wait_for(posted, what="the poll's outbox item to be sent")
        [item] = await bot.store.outbox_items()
        native = item.platform_message_id  # Telegram's own poll id, as sendPoll answered

        ada, bob = tp.user(5550001, "Ada"), tp.user(5550002, "Bob")
        await fake.push(tp.poll_answer_update([4], poll_id=native, sender=ada))  # Ada: 5
        for _ in range(10):  # redelivered
            await fake.push(tp.poll_answer_update([3], poll_id=native, sender=bob))  # Bob: 4
        await fake.push(tp.poll_answer_update([0], poll_id=native, sender=bob))  # Bob: 1 now

        async def settled() -> bool:
            return await counts(bot, poll_id) == {"1": 1, "2": 0, "3": 0, "4": 0, "5": 1}

        await bot.wait_for(settled, what="Ada's 5 and Bob's changed 1")
        follow_ups = await _calls(bot, fake, "sendMessage", 1, text=FOLLOW_UP)
        assert follow_ups[0].params["chat_id"] in (5550002, "5550002")  # asked of Bob, privately
        await fake.push(tp.poll_answer_update([], poll_id=native, sender=ada))  # Ada retracts

        async def retracted() -> bool:
            return (await polls.results(bot.store, poll_id)).responses == 1

        await bot.wait_for(retracted, what="Ada's retraction")

        await polls.close(bot.store, poll_id, bot.app.delivery.wake)
        [stopped] = await _calls(bot, fake, "stopPoll", 1)  # Telegram takes no more answers
        poll_message = fake.calls_to("sendPoll")[0].answer["result"]
        assert int(stopped.params["chat_id"]) == int(GROUP)
        assert int(stopped.params["message_id"]) == poll_message["message_id"]


async def test_an_anonymous_poll_is_answered_with_buttons_nobody_else_sees(
    db_url: str, make_settings: Callable[..., Settings], fake: FakeTelegram
) -> None:
    async with bot_with_telegram(telegram_settings(make_settings, db_url, fake)) as (bot, _):
        poll_id = await bot.store.create_poll(
            targets=[Target("telegram", GROUP, 120)],
            options=standard_options("csat", []),
            question="How was the help desk today?",
            kind="csat",
            anonymous=True,
        )
        await polls.send(bot.store, poll_id, bot.app.delivery.wake)
        [posted] = await _calls(bot, fake, "sendMessage", 1, text="How was the help desk")
        assert fake.calls_to("sendPoll") == []  # a Telegram poll that reports voters shows them
        rows = posted.params["reply_markup"]["inline_keyboard"]
        assert [row[0]["text"] for row in rows][::4] == ["1 Very poor", "5 Excellent"]
        assert "never who gave them" in posted.params["text"]

        def tap(person: dict[str, Any], key: str, query: str) -> dict[str, Any]:
            data = f"fbpoll-{poll_id}:{key}"
            return tp.callback_update(data, query_id=query, sender=person, chat_id=int(GROUP))

        ada, bob = tp.user(5550001, "Ada"), tp.user(5550002, "Bob")
        await fake.push(tap(ada, "5", "q-ada-1"))
        for _ in range(10):
            await fake.push(tap(bob, "4", "q-bob-1"))
        await fake.push(tap(bob, "1", "q-bob-2"))  # Bob changes his mind

        async def settled() -> bool:
            return await counts(bot, poll_id) == {"1": 1, "2": 0, "3": 0, "4": 0, "5": 1}

        await bot.wait_for(settled, what="Ada's 5 and Bob's changed 1")
        toasts = await _calls(bot, fake, "answerCallbackQuery", 12)
        assert {c.params["text"] for c in toasts} == {TAPPED}
        r = await polls.results(bot.store, poll_id)
        assert (r.responses, r.csat) == (2, 50.0)

        await polls.close(bot.store, poll_id, bot.app.delivery.wake)
        [closed] = await _calls(bot, fake, "editMessageText", 1)  # the buttons are taken away
        assert polls.CLOSED_POLL in closed.params["text"] and "reply_markup" not in closed.params
        assert not [
            c for c in fake.calls_to("sendMessage") if c.params["chat_id"] in (5550002, "5550002")
        ]


async def _calls(
    bot: RunningBot, fake: FakeTelegram, method: str, n: int, text: str = ""
) -> list[Call]:
    async def enough() -> bool:
        return len([c for c in fake.calls_to(method) if text in str(c.params.get("text", ""))]) >= n

    await bot.wait_for(enough, what=f"{n} {method} call(s)")
    return [c for c in fake.calls_to(method) if text in str(c.params.get("text", ""))]
