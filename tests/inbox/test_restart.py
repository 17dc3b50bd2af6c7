"""A restart in the middle: queue state, assignments and replies waiting to go out survive."""

from __future__ import annotations

from tests.fakes.chat import Chat
from tests.fakes.waiting import wait_until
from tests.support.queue_scenario import PRINTER, queued_item, reply_entry, staff

REFUND = "Your refund is waiting at the desk."


async def test_queue_and_a_pending_reply_survive_a_restart(chat: Chat, db_url: str) -> None:
    bot = await chat.start("telegram", database_url=db_url)
    student = chat.on("telegram")
    await student.says(PRINTER, message_id=17)
    item = await queued_item(bot)
    await chat.expect_reply(student, contains="Thanks for your message")
    ann = await staff(bot)
    assert (await bot.app.inbox.claim(ann, item.id)).won
    await bot.app.inbox.note(ann, item.id, "Refund approved by Sam")
    chat.telegram.fail_next(1000, status=502, methods=["sendMessage"])  # Telegram is down
    await bot.app.inbox.reply(ann, item.id, REFUND)
    await wait_until(lambda: _tried(chat), what="a failed attempt")
    await chat.stop()
    chat.telegram.heal()  # Telegram is back
    bot = await chat.restart()
    entry = await reply_entry(bot, item.id, "sent")
    assert entry.staff_name == "Ann"
    view = await bot.store.inbox.item(item_id=item.id)
    assert view is not None
    assert (view.row.status, view.row.assignee_id) == ("pending", ann.id)
    page = await bot.app.inbox.page(ann, item.id)
    assert [e.kind for e in page.entries if e.kind in ("note", "reply")] == ["note", "reply"]
    [refund] = await chat.expect_replies(student, contains=REFUND)
    assert refund.raw.params["chat_id"] == "5550001"


def _tried(chat: Chat) -> bool:
    return any(c.status == 502 for c in chat.telegram.calls_to("sendMessage", ok=False))
