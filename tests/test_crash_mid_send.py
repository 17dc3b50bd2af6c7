"""kill -9 while a reply is being sent (Telegram took it and had not answered yet): the restarted
bot sees an attempt that was under way and never settled, waits, and resends it once, marked
"may have been delivered twice" on the item; never a third copy."""

from __future__ import annotations

import os
import signal
from collections.abc import Awaitable, Callable
from pathlib import Path

from models.store import Store
from models.store.inbox.types import STATUSES, Entry, QueueFilter
from tests.fakes import telegram_payloads as tp
from tests.fakes.process import bot_env, bot_process, free_port
from tests.fakes.telegram import TOKEN, Call, FakeTelegram
from tests.fakes.waiting import wait_until
from tests.support.queue import add_staff

REPLY = "We found your card at the desk."


async def test_kill_minus_9_mid_send_gives_at_most_two_deliveries_and_the_mark(
    db_url: str, tmp_path: Path
) -> None:
    async with FakeTelegram() as telegram:
        port = free_port()
        env = bot_env(
            state_dir=str(tmp_path / "var"),
            http_port=str(port),
            classifier="off",
            database_url=db_url,
            log_level="WARNING",
            telegram_token=TOKEN,
            telegram_api_url=telegram.url,
            connection_lease_s="3",
            outbox_lease_s="2",
            outbox_unsure_wait_s="0.2",
            outbox_base_delay_s="0.05",
            pseudonym_key="crash-mid-send-pseudonym-key-0123",
            session_secret="crash-mid-send-session-secret-0123",
        )
        log = tmp_path / "bot.log"
        with bot_process(env, log) as proc:
            async with Store.open(db_url) as store:
                item_id = await _queued(telegram, store)
                staff_id = await add_staff(store, "ann@lib.ac.uk")
                telegram.hang_next(1, seconds=30, methods=["sendMessage"])
                await store.inbox.reply(item_id=item_id, actor_id=staff_id, text=REPLY)
                await wait_until(lambda: bool(_replies(telegram)), within=20, what="the send")
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        with bot_process(env, log):
            async with Store.open(db_url) as store:
                await wait_until(_settled(store, item_id), within=30, what="the reply settled")
                [entry] = await _reply_entries(store, item_id)
                [sent] = [o for o in await store.outbox.items() if o.text == REPLY]
        assert (entry.delivery, entry.maybe_twice) == ("sent", True)
        assert sent.maybe_twice and len(_replies(telegram)) == 2


async def _queued(telegram: FakeTelegram, store: Store) -> int:
    """A student writes; once the bot has queued it and acknowledged it, its item id."""
    await telegram.push(tp.message_update("I lost my library card"))
    found: list[int] = []

    async def queued() -> bool:
        rows = await store.inbox.listing(filter=QueueFilter(statuses=STATUSES))
        found[:] = [r.id for r in rows]
        return bool(found) and bool(telegram.calls_to("sendMessage"))

    await wait_until(queued, within=30, what="the message queued and acknowledged")
    return found[0]


def _replies(telegram: FakeTelegram) -> list[Call]:
    return [c for c in telegram.calls_to("sendMessage") if c.params.get("text") == REPLY]


async def _reply_entries(store: Store, item_id: int) -> list[Entry]:
    page = await store.inbox.page(item_id=item_id)
    return [e for e in page.entries if e.kind == "reply"] if page else []


def _settled(store: Store, item_id: int) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return [e.delivery for e in await _reply_entries(store, item_id)] == ["sent"]

    return check
