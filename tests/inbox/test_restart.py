"""A restart in the middle: queue state, assignments and replies waiting to go out survive."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest

from config.settings import Settings
from tests.adapters.test_telegram_scenarios import bot_with_telegram, telegram_settings
from tests.fakes import telegram_payloads as tp
from tests.fakes.telegram import FakeTelegram
from tests.inbox.scenario import PRINTER, queued_item, reply_entry, staff


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


async def test_queue_and_a_pending_reply_survive_a_restart(
    db_url: str, make_settings: Callable[..., Settings], fake: FakeTelegram
) -> None:
    settings = telegram_settings(make_settings, db_url, fake)
    async with bot_with_telegram(settings) as (bot, _):
        await fake.push(tp.message_update(PRINTER, message_id=17))
        item = await queued_item(bot)
        await bot.wait_for(lambda: _acked(fake), what="acknowledgement")
        ann = await staff(bot)
        assert (await bot.app.inbox.claim(ann, item.id)).won
        await bot.app.inbox.note(ann, item.id, "Refund approved by Sam")
        fake.fail_next(1000, status=502, methods=["sendMessage"])  # Telegram is down
        await bot.app.inbox.reply(ann, item.id, "Your refund is waiting at the desk.")
        await bot.wait_for(lambda: _tried(fake), what="a failed attempt")
    fake.heal()  # Telegram is back
    async with bot_with_telegram(settings) as (bot, _):
        entry = await reply_entry(bot, item.id, "sent")
        assert entry.staff_name == "Ann"
        view = await bot.store.inbox.item(item_id=item.id)
        assert view is not None
        assert (view.row.status, view.row.assignee_id) == ("pending", ann.id)
        page = await bot.app.inbox.page(ann, item.id)
        assert [e.kind for e in page.entries if e.kind in ("note", "reply")] == ["note", "reply"]
        refunds = [c for c in fake.calls_to("sendMessage") if "refund" in str(c.params["text"])]
        assert len(refunds) == 1 and refunds[0].params["chat_id"] == "5550001"


async def _acked(fake: FakeTelegram) -> bool:
    return bool(fake.calls_to("sendMessage"))


async def _tried(fake: FakeTelegram) -> bool:
    return any(c.status == 502 for c in fake.calls_to("sendMessage", ok=False))
