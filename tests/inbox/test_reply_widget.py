"""The feedback widget: a staff reply shows in the student's conversation; the satisfaction
question is offered to that session only and answered with a POST (never a bare GET)."""

from __future__ import annotations

from tests.fakes.chat import Chat
from tests.support.queue_scenario import PRINTER, answered, queued_item, reply_entry, staff


async def test_reply_shows_on_the_page_and_the_csat_is_that_sessions_own(
    chat: Chat, db_url: str
) -> None:
    bot = await chat.start(database_url=db_url)
    student, other = chat.on("widget"), chat.on("widget")
    assert (await student.says(PRINTER)).status == 202
    item = await queued_item(bot)
    ann = await staff(bot)
    text = "Sorry! Ask at the desk for a refund."
    await bot.app.inbox.reply(ann, item.id, text)
    await reply_entry(bot, item.id, "sent")
    reply = await chat.expect_reply(student, contains=text)
    assert reply.text == text
    mine = await student.session()
    talk = await chat.http.get(f"{bot.url}/widget/api/messages", params={"session": mine})
    assert ("you", PRINTER) in [(m["from"], m["text"]) for m in talk.json()["messages"]]

    await bot.app.inbox.resolve(ann, [item.id])
    [question] = [p for p in await student.polls() if p["kind"] == "csat"]
    assert all(p["id"] != question["id"] for p in await other.polls())
    assert await other.heard() == []
    assert (await student.taps("5 Excellent")).status == 202
    await answered(bot, item.id, 5)
