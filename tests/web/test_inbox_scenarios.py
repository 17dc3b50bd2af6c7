"""The issue's story, end to end, with a member of staff in a real browser: a student writes
"the printer on level 2 took my money and printed nothing" → it is queued for IT services
→ staff log in, claim, reply and resolve → the reply reaches the student where they wrote
→ the satisfaction question follows → the student's answer is stored against the item."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from tests.fakes.chat import Chat
from tests.fakes.classifier import KeywordClassifier
from tests.fakes.running import RunningBot
from tests.fakes.waiting import wait_until
from tests.fakes.wording import shipped_wording
from tests.support.browser_staff import keyboard_login, shoot
from tests.support.staff import add_staff, csrf_of, log_in, queued_id

PRINTER = "the printer on level 2 took my money and printed nothing"
REPLY = "So sorry! We have refunded your print credit and called the engineer."
FIVE = shipped_wording().text("csat.option_5", "en")
IT = "it@lib.example.ac.uk"


async def staff_answers(
    page: Any, bot: RunningBot, item_id: int, tmp_path: Path
) -> tuple[str, str]:
    """In the browser: log in, find the item in IT services' queue, claim, reply, resolve.
    Returns the item's facts before and after claiming it."""
    await keyboard_login(page, bot.url, IT)
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
    chat: Chat, db_url: str, browser: Any, tmp_path: Path
) -> None:
    bot = await chat.start("telegram", database_url=db_url, classifier=KeywordClassifier())
    await add_staff(bot.store, IT, team="it_services")
    student = chat.on("telegram")
    await student.says(PRINTER)
    item_id = await queued_id(bot, PRINTER)
    view = await bot.store.inbox.item(item_id=item_id)
    assert view is not None and (view.row.team, view.row.channel) == ("it_services", "telegram")
    before, after = await staff_answers(await browser.new_page(), bot, item_id, tmp_path)
    assert "Ada" not in before and "Person " in before  # an agent not holding it: a pseudonym
    assert "Ada" in after  # the one who claimed it needs the name
    reply = await chat.expect_reply(student, contains=REPLY, how="post")
    question = await chat.expect_reply(student, contains="How satisfied", how="post")
    assert reply.raw.params["chat_id"] == question.raw.params["chat_id"] == "5550001"
    assert len(question.options) == 5
    await student.taps(FIVE)

    async def rated() -> bool:
        return await csat_score(bot, item_id) == 5

    await wait_until(rated, what="the student's rating stored against the item")


async def test_widget_student_sees_the_reply_on_their_feedback_page_and_rates_it(
    chat: Chat, db_url: str, browser: Any, tmp_path: Path
) -> None:
    bot = await chat.start(database_url=db_url, classifier=KeywordClassifier())
    await add_staff(bot.store, IT, team="it_services")
    student = await (await browser.new_context()).new_page()
    await student.goto(f"{bot.url}/widget")
    await student.get_by_label("Your message").fill(PRINTER)
    await student.get_by_role("button", name="Send message").click()
    item_id = await queued_id(bot, PRINTER)
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


async def test_a_reply_telegram_refuses_shows_failed_with_the_reason_and_can_be_retried(
    chat: Chat, sqlite_url: str
) -> None:
    bot = await chat.start("telegram", database_url=sqlite_url)
    await add_staff(bot.store, IT)
    student = chat.on("telegram")
    await student.says(PRINTER)
    item_id = await queued_id(bot, PRINTER)
    await chat.expect_reply(student)  # the acknowledgement
    chat.telegram.fail_next(1, status=403, methods=["sendMessage"])  # the student blocked the bot
    async with httpx.AsyncClient(base_url=bot.url) as http:
        await log_in(http, IT)
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
    assert [r.raw.params["chat_id"] for r in await student.heard() if REPLY in r.text] == [
        "5550001"
    ]


async def test_slack_student_gets_the_reply_in_their_dm_and_rates_it(
    chat: Chat, db_url: str, browser: Any, tmp_path: Path
) -> None:
    bot = await chat.start("slack", database_url=db_url, classifier=KeywordClassifier())
    await add_staff(bot.store, IT, team="it_services")
    student = chat.on("slack", user="U01STUDNT", where="D01DSTUD1")
    assert (await student.says(PRINTER)).status == 200
    item_id = await queued_id(bot, PRINTER)
    await staff_answers(await browser.new_page(), bot, item_id, tmp_path)
    reply = await chat.expect_reply(student, contains=REPLY, how="post")
    question = await chat.expect_reply(student, contains="How satisfied", how="post")
    assert reply.raw.args["channel"] == question.raw.args["channel"] == "D01DSTUD1"
    assert len(question.options) == 5
    assert (await student.taps(FIVE)).status == 200

    async def rated() -> bool:
        return await csat_score(bot, item_id) == 5

    await wait_until(rated, what="the student's rating stored against the item")


async def test_x_student_gets_the_reply_by_dm_and_rates_it_with_a_number(
    chat: Chat, db_url: str, browser: Any, tmp_path: Path
) -> None:
    bot = await chat.start("x", database_url=db_url, classifier=KeywordClassifier())
    await add_staff(bot.store, IT, team="it_services")
    student = chat.on("x", user_id="2200000000000000004", dm=True)
    await student.says(PRINTER)
    item_id = await queued_id(bot, PRINTER)
    await staff_answers(await browser.new_page(), bot, item_id, tmp_path)
    reply = await chat.expect_reply(student, contains=REPLY, how="dm")
    question = await chat.expect_reply(student, contains="How satisfied", how="dm")
    assert reply.raw["dm_conversation_id"] == question.raw["dm_conversation_id"]
    assert "Reply with a number from 1" in question.text  # X DMs have no buttons
    await student.says("5")

    async def rated() -> bool:
        return await csat_score(bot, item_id) == 5

    await wait_until(rated, what="the student's rating stored against the item")
