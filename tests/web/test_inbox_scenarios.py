"""The issue's story, end to end, with a member of staff in a real browser: a student writes
"the printer on level 2 took my money and printed nothing" → it is queued for IT services
→ staff log in, claim, reply and resolve → the reply reaches the student where they wrote
→ the satisfaction question follows → the student's answer is stored against the item."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.adapters.slack import SlackAdapter
from bot.adapters.telegram import from_settings
from bot.adapters.widget import WidgetAdapter
from config.settings import Settings
from models.store import Store
from models.store.inbox.types import STATUSES, QueueFilter
from models.store.migrate import upgrade_async
from tests.fakes import telegram_payloads as tp
from tests.fakes.chat.slack import SIGNING_SECRET
from tests.fakes.classifier import KeywordClassifier
from tests.fakes.running import RunningBot, running_bot
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_driver import SlackDriver, event_envelope
from tests.fakes.slack_payloads import click, message_event
from tests.fakes.telegram import FakeTelegram
from tests.fakes.waiting import wait_until
from tests.fakes.x import FakeX
from tests.fakes.x.helpers import adapter_for
from tests.web.browser_staff import keyboard_login, shoot
from tests.web.staff import add_staff, csrf_of, log_in

PRINTER = "the printer on level 2 took my money and printed nothing"
REPLY = "So sorry! We have refunded your print credit and called the engineer."


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@asynccontextmanager
async def telegram_bot(settings: Settings, **options: Any) -> AsyncIterator[RunningBot]:
    """The bot with the widget and Telegram, its cursors kept in the bot's own database."""
    await upgrade_async(settings.database_url)
    async with Store.open(settings.database_url) as own:
        adapter = from_settings(settings, own.cursors)
        assert adapter is not None
        async with running_bot(settings, adapters=[WidgetAdapter(), adapter], **options) as bot:
            yield bot


async def queued_item(bot: RunningBot, text: str) -> int:
    """Wait for the message's queue item; returns its id."""
    found: list[int] = []

    async def check() -> bool:
        rows = await bot.store.inbox.listing(filter=QueueFilter(statuses=STATUSES), limit=100)
        found[:] = [r.id for r in rows if r.text == text]
        return bool(found)

    await wait_until(check, what="the queue item")
    return found[0]


async def staff_answers(
    page: Any, bot: RunningBot, item_id: int, tmp_path: Path
) -> tuple[str, str]:
    """In the browser: log in, find the item in IT services' queue, claim, reply, resolve.
    Returns the item's facts before and after claiming it."""
    await keyboard_login(page, bot.url, "it@lib.example.ac.uk")
    await page.goto(f"{bot.url}/inbox/?team=it_services")
    await page.get_by_role("link", name=f"#{item_id}:").click()
    before = await page.inner_text(".facts")
    await page.get_by_role("button", name="Claim").click()
    assert "You have claimed this item." in await page.inner_text("[role=status]")
    after = await page.inner_text(".facts")
    await page.get_by_label("Your reply").fill(REPLY)
    await page.get_by_role("button", name="Send reply").click()
    await page.get_by_role("button", name="Resolve…", exact=True).click()
    assert "ask" in await page.inner_text("h1")  # a second look: the person will be messaged
    await page.get_by_role("button", name="Resolve and send the question").click()
    assert "Resolved." in await page.inner_text("[role=status]")
    await shoot(page, tmp_path, "scenario-item-resolved")
    return before, after


async def csat_score(bot: RunningBot, item_id: int) -> int | None:
    """The satisfaction answer stored against the item."""
    view = await bot.store.inbox.item(item_id=item_id)
    assert view is not None
    return view.csat_score


async def test_telegram_student_gets_the_reply_in_their_chat_and_rates_it(
    db_url: str,
    make_settings: Callable[..., Settings],
    fake: FakeTelegram,
    browser: Any,
    tmp_path: Path,
) -> None:
    settings = make_settings(
        database_url=db_url, telegram_token=fake.token, telegram_api_url=fake.url
    )
    async with telegram_bot(settings, classifier=KeywordClassifier()) as bot:
        await add_staff(bot.store, "it@lib.example.ac.uk", team="it_services")
        await fake.push(tp.message_update(PRINTER, message_id=21))
        item_id = await queued_item(bot, PRINTER)
        view = await bot.store.inbox.item(item_id=item_id)
        assert view is not None and (view.row.team, view.row.channel) == ("it_services", "telegram")
        before, after = await staff_answers(await browser.new_page(), bot, item_id, tmp_path)
        assert "Ada" not in before and "Person " in before  # an agent not holding it: a pseudonym
        assert "Ada" in after  # the one who claimed it needs the name

        def sent(text: str) -> list[dict[str, Any]]:
            return [c.params for c in fake.calls_to("sendMessage") if text in str(c.params["text"])]

        await wait_until(lambda: _true(bool(sent(REPLY))), what="the reply on Telegram")
        await wait_until(lambda: _true(bool(sent("How satisfied"))), what="the CSAT question")
        [reply], [question] = sent(REPLY), sent("How satisfied")
        assert reply["chat_id"] == question["chat_id"] == "5550001"
        buttons = [b for row in question["reply_markup"]["inline_keyboard"] for b in row]
        [five] = [b["callback_data"] for b in buttons if b["callback_data"].endswith(":5")]
        await fake.push(tp.callback_update(five, message_id=question.get("message_id", 1001)))

        async def rated() -> bool:
            return await csat_score(bot, item_id) == 5

        await wait_until(rated, what="the student's rating stored against the item")


async def test_widget_student_sees_the_reply_on_their_feedback_page_and_rates_it(
    db_url: str, make_settings: Callable[..., Settings], browser: Any, tmp_path: Path
) -> None:
    settings = make_settings(database_url=db_url)
    async with running_bot(settings, classifier=KeywordClassifier()) as bot:
        await add_staff(bot.store, "it@lib.example.ac.uk", team="it_services")
        student = await (await browser.new_context()).new_page()
        await student.goto(f"{bot.url}/widget")
        await student.get_by_label("Your message").fill(PRINTER)
        await student.get_by_role("button", name="Send message").click()
        item_id = await queued_item(bot, PRINTER)
        staff = await (await browser.new_context()).new_page()
        _, after = await staff_answers(staff, bot, item_id, tmp_path)
        assert "Person " in after and "the person" not in after  # no name on the widget: a label

        async def shown() -> bool:
            await student.goto(f"{bot.url}/widget")
            return REPLY in await student.inner_text("#messages")

        await wait_until(shown, what="the reply on the student's page")
        await shoot(student, tmp_path, "scenario-widget-student")
        await student.get_by_role("button", name="5").first.click()

        async def rated() -> bool:
            return await csat_score(bot, item_id) == 5

        await wait_until(rated, what="the student's rating stored against the item")


def slack_adapter(slack: FakeSlack) -> SlackAdapter:
    """An HTTP-mode Slack adapter on the fake, with test-sized back-off."""
    return SlackAdapter(
        bot_token=slack.identity.bot_token,
        signing_secret=SIGNING_SECRET,
        api_url=slack.api_url,
        max_backoff_s=0.05,
    )


async def _true(value: bool) -> bool:
    return value


async def test_a_reply_telegram_refuses_shows_failed_with_the_reason_and_can_be_retried(
    sqlite_url: str, make_settings: Callable[..., Settings], fake: FakeTelegram
) -> None:
    settings = make_settings(
        database_url=sqlite_url, telegram_token=fake.token, telegram_api_url=fake.url
    )
    async with telegram_bot(settings) as bot:
        await add_staff(bot.store, "it@lib.example.ac.uk")
        await fake.push(tp.message_update(PRINTER, message_id=31))
        item_id = await queued_item(bot, PRINTER)
        await wait_until(lambda: _true(bool(fake.calls_to("sendMessage"))), what="the ack")
        fake.fail_next(1, status=403, methods=["sendMessage"])  # the student blocked the bot
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, "it@lib.example.ac.uk")
            token = csrf_of((await http.get(f"/inbox/items/{item_id}")).text)
            form = {"csrftoken": token, "text": REPLY}
            await http.post(f"/inbox/items/{item_id}/reply", data=form)

            async def shows_failed() -> bool:
                return "✗ failed" in (await http.get(f"/inbox/items/{item_id}")).text

            await wait_until(shows_failed, what="the failed delivery on the item page")
            page = (await http.get(f"/inbox/items/{item_id}")).text
            entry = page.split('name="entry_id" value="')[1].split('"')[0]
            retry = await http.post(
                f"/inbox/items/{item_id}/retry", data={"csrftoken": token, "entry_id": entry}
            )

            async def shows_sent() -> bool:
                return "✓ sent" in (await http.get(f"/inbox/items/{item_id}")).text

            await wait_until(shows_sent, what="the retried reply sent")
    assert "Forbidden" in page and "Send this reply again" in page
    assert retry.status_code == 303
    assert [
        c.params["chat_id"] for c in fake.calls_to("sendMessage") if REPLY in c.params["text"]
    ] == ["5550001"]


async def test_slack_student_gets_the_reply_in_their_dm_and_rates_it(
    db_url: str, make_settings: Callable[..., Settings], browser: Any, tmp_path: Path
) -> None:
    said = message_event(PRINTER, user="U01STUDNT", channel="D01DSTUD1", ts="1763856600.000100")
    event = event_envelope(said, event_id="Ev0PRINTER1")
    settings = make_settings(database_url=db_url)
    async with (
        FakeSlack() as slack,
        running_bot(
            settings, classifier=KeywordClassifier(), adapters=[slack_adapter(slack)]
        ) as bot,
    ):
        driver = SlackDriver(f"{bot.url}/slack/events", SIGNING_SECRET)
        await add_staff(bot.store, "it@lib.example.ac.uk", team="it_services")
        assert (await driver.post_event(event)).status_code == 200
        item_id = await queued_item(bot, PRINTER)
        await staff_answers(await browser.new_page(), bot, item_id, tmp_path)

        def posted(text: str) -> list[dict[str, Any]]:
            return [c.args for c in slack.calls_to("chat.postMessage") if text in str(c.args)]

        await wait_until(lambda: _true(bool(posted("How satisfied"))), what="the CSAT question")
        [reply], [question] = posted(REPLY), posted("How satisfied")
        assert reply["channel"] == question["channel"] == "D01DSTUD1"
        five = len(next(b for b in question["blocks"] if b["type"] == "actions")["elements"]) - 1
        tap = click({**question, "channel": "D01DSTUD1"}, five, "U01STUDNT", slack.hook())
        assert (await driver.post_action(tap)).status_code == 200

        async def rated() -> bool:
            return await csat_score(bot, item_id) == 5

        await wait_until(rated, what="the student's rating stored against the item")
        await driver.aclose()


async def test_x_student_gets_the_reply_by_dm_and_rates_it_with_a_number(
    db_url: str, make_settings: Callable[..., Settings], browser: Any, tmp_path: Path
) -> None:
    settings = make_settings(database_url=db_url)
    await upgrade_async(settings.database_url)
    student = "2200000000000000004"
    async with FakeX() as x, Store.open(settings.database_url) as own:
        adapter = adapter_for(x, own.cursors)
        async with running_bot(
            settings, classifier=KeywordClassifier(), adapters=[WidgetAdapter(), adapter]
        ) as bot:
            await add_staff(bot.store, "it@lib.example.ac.uk", team="it_services")
            x.dm(PRINTER, sender_id=student)
            item_id = await queued_item(bot, PRINTER)
            await staff_answers(await browser.new_page(), bot, item_id, tmp_path)

            def dms(text: str) -> list[dict[str, Any]]:
                return [d for d in x.sent_dms() if text in d["text"]]

            await wait_until(lambda: _true(bool(dms("How satisfied"))), what="the CSAT DM")
            [reply], [question] = dms(REPLY), dms("How satisfied")
            assert reply["dm_conversation_id"] == question["dm_conversation_id"]
            assert "Reply with a number from 1" in question["text"]  # X DMs have no buttons
            x.dm("5", sender_id=student)

            async def rated() -> bool:
                return await csat_score(bot, item_id) == 5

            await wait_until(rated, what="the student's rating stored against the item")
