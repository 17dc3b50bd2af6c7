"""Helpers that make queue scenario tests read like the conversation they check."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from handlers.inbox.roles import Actor
from models.store.inbox.tables import InboxCsat
from models.store.inbox.types import Entry, ItemRow, QueueFilter
from tests.fakes.running import RunningBot
from tests.fakes.waiting import wait_until
from tests.support.queue import add_staff

PRINTER = "the printer on level 2 took my money and printed nothing"


async def staff(bot: RunningBot, email: str = "ann@lib.ac.uk", role: str = "agent") -> Actor:
    """A member of staff, as the session layer would hand them to the use cases."""
    staff_id = await add_staff(bot.store, email, role=role)
    return Actor(staff_id, role, email.split("@")[0].title())


async def queued_item(bot: RunningBot) -> ItemRow:
    """Wait until exactly one item is in the queue, and return it."""
    found: list[ItemRow] = []

    async def one() -> bool:
        found[:] = await bot.store.inbox.listing(filter=QueueFilter(statuses=()))
        return len(found) == 1

    await wait_until(one, what="one queue item")
    return found[0]


async def reply_entry(bot: RunningBot, item_id: int, state: str) -> Entry:
    """Wait for the item's latest staff reply to reach a delivery state."""
    found: list[Entry] = []

    async def reached() -> bool:
        page = await bot.store.inbox.page(item_id=item_id)
        found[:] = [e for e in page.entries if e.kind == "reply"] if page else []
        return bool(found) and found[-1].delivery == state

    await wait_until(reached, what=f"reply {state}")
    return found[-1]


async def csat(bot: RunningBot, item_id: int) -> Any:
    """The item's satisfaction row (poll id, staff, score), or None."""
    query = select(InboxCsat.poll_id, InboxCsat.staff_id, InboxCsat.score).where(
        InboxCsat.item_id == item_id
    )
    return await bot.store.read(lambda c: c.execute(query).first())


async def answered(bot: RunningBot, item_id: int, score: int) -> None:
    """Wait until the satisfaction answer is stored against the item."""

    async def stored() -> bool:
        row = await csat(bot, item_id)
        return row is not None and row.score == score

    await wait_until(stored, what=f"satisfaction {score} stored")
