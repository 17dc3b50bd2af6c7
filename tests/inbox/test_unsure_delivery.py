"""Replies whose send timed out after the platform may have taken them, through the real SDKs
against fakes that take a message and then hang: Slack's is looked for by its metadata and
delivered once; Telegram's is resent once at most and marked "may have been delivered twice"
on the item page, in `queue show` and in `outbox list`."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx

from handlers.inbox.roles import Actor
from tests.fakes.chat import Chat
from tests.fakes.running import RunningBot
from tests.fakes.waiting import wait_until
from tests.support.cli import base_env, invoke
from tests.support.queue_scenario import PRINTER, queued_item, reply_entry, staff
from tests.support.staff import add_staff, log_in

DM = "D01DSTUD1"
FAST = {"outbox_unsure_wait_s": 0.2}
TWICE = "May have been delivered twice"
PSEUDONYM_KEY = "test-pseudonym-key-0123456789"  # the bot's, from conftest


async def all_sent(bot: RunningBot) -> None:
    """Wait until nothing is waiting in the outbox."""

    async def done() -> bool:
        return set(await bot.store.outbox.counts()) == {"sent"}

    await wait_until(done, what="the outbox sent")


async def test_a_slack_reply_that_hangs_past_the_timeout_is_found_by_its_metadata(
    chat: Chat, db_url: str
) -> None:
    bot = await chat.start(
        "slack", database_url=db_url, tweaks={"slack": {"send_timeout_s": 1}}, **FAST
    )
    student = chat.on("slack", where=DM)
    await student.says("The silent study room on floor 3 is freezing")
    item = await queued_item(bot)
    ann = await staff(bot)
    await chat.expect_reply(student, contains="Thanks for your message")
    chat.slack.hang_next(2.5)  # Slack posts it, then answers only after the client gave up
    text = "We have turned the heating up on floor 3."
    await bot.app.inbox.reply(ann, item.id, text)
    entry = await reply_entry(bot, item.id, "sent")
    assert not entry.maybe_twice
    [posted] = chat.slack.history.in_channel(DM)[1:]
    assert posted["text"] == text
    [looked] = chat.slack.calls_to("conversations.history")
    assert looked.args["channel"] == DM and looked.args["include_all_metadata"] in ("1", True)
    [sent] = [o for o in await bot.store.outbox.items() if o.text == text]
    assert posted["metadata"]["event_payload"]["send_key"] == f"outbox-{sent.id}"
    assert sent.platform_message_id == posted["ts"] and not sent.maybe_twice
    assert len(await chat.expect_replies(student, contains=text)) == 1


async def test_a_slack_thread_reply_lost_on_the_way_is_looked_for_then_sent_once(
    chat: Chat, sqlite_url: str
) -> None:
    bot = await chat.start(
        "slack", database_url=sqlite_url, tweaks={"slack": {"send_timeout_s": 1}}, **FAST
    )
    student = chat.on("slack")
    said = await student.says(
        f"<@{chat.slack.identity.bot_user_id}> can we have longer opening hours?",
        mentioning_the_bot=True,
    )
    item = await queued_item(bot)
    ann = await staff(bot)
    await all_sent(bot)  # the acknowledgement
    chat.slack.hang_next(2.5, take=False)  # the post never reached Slack
    await bot.app.inbox.reply(ann, item.id, "Yes, from 1 May until midnight.")
    entry = await reply_entry(bot, item.id, "sent")
    assert not entry.maybe_twice
    where, ts = said.platform_id.split(":")
    [looked] = chat.slack.calls_to("conversations.replies")
    assert (looked.args["channel"], looked.args["ts"]) == (where, ts)
    threaded = [m for m in chat.slack.history.in_channel(where) if m.get("thread_ts") == ts]
    assert [m["text"] for m in threaded].count("Yes, from 1 May until midnight.") == 1


async def test_a_telegram_reply_that_hangs_twice_is_sent_at_most_twice_and_marked(
    chat: Chat, db_url: str
) -> None:
    bot = await chat.start(
        "telegram", database_url=db_url, tweaks={"telegram": {"send_timeout_s": 0.5}}, **FAST
    )
    student = chat.on("telegram")
    await student.says(PRINTER, message_id=17)
    item = await queued_item(bot)
    ann = await staff(bot)
    await chat.expect_reply(student, contains="Thanks for your message")
    chat.telegram.hang_next(5, seconds=1.5, methods=["sendMessage"])  # took it, then hung
    text = "Sorry! Bring your card to the desk for a refund."
    await bot.app.inbox.reply(ann, item.id, text)
    entry = await reply_entry(bot, item.id, "failed")
    assert entry.maybe_twice and "outcome unknown" in entry.error
    assert len(await chat.expect_replies(student, contains=text)) == 2  # never a third
    [sent] = [o for o in await bot.store.outbox.items() if o.text == text]
    assert sent.maybe_twice and sent.attempts == 2


async def test_a_telegram_reply_resent_after_a_hang_shows_the_mark_to_staff(
    chat: Chat, sqlite_url: str, tmp_path: Path
) -> None:
    bot = await chat.start(
        "telegram",
        database_url=sqlite_url,
        tweaks={"telegram": {"send_timeout_s": 0.5}},
        **FAST,
    )
    student = chat.on("telegram")
    await student.says(PRINTER, message_id=17)
    item = await queued_item(bot)
    await chat.expect_reply(student, contains="Thanks for your message")
    ann = await add_staff(bot.store, "ann@lib.ac.uk")
    chat.telegram.hang_next(1, seconds=1.5, methods=["sendMessage"])
    await bot.app.inbox.reply(Actor(ann.id, "agent", "Ann"), item.id, "We have refunded you.")
    entry = await reply_entry(bot, item.id, "sent")
    assert entry.maybe_twice
    assert len(await chat.expect_replies(student, contains="refunded")) == 2
    async with httpx.AsyncClient(base_url=bot.url) as http:
        await log_in(http, "ann@lib.ac.uk")
        page = await http.get(f"/inbox/items/{item.id}")
    assert page.status_code == 200 and TWICE in page.text
    env = base_env(tmp_path, database_url=sqlite_url, pseudonym_key=PSEUDONYM_KEY)
    shown = await asyncio.to_thread(invoke, env, "queue", "show", str(item.id))
    assert "sent, may have been delivered twice" in shown.stdout
    listed = await asyncio.to_thread(invoke, env, "outbox", "list", "--json")
    [line] = [json.loads(x) for x in listed.stdout.splitlines() if "refunded" in x]
    assert line["maybe_twice"] is True and line["status"] == "sent"
