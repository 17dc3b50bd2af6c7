"""People who said "stop" (``store.opt_outs``): one row per opted-out contact; "start" removes
it. Whatever the bot starts itself (notices, polls by DM) leaves these people out."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from bot.events import utcnow
from models.store.digest.tables import OptOut
from models.store.runner import Runner
from models.store.upsert import insert_ignore


def set_opted_out(
    conn: Connection, contact_id: int, opted_out: bool, message_id: int | None
) -> None:
    """Opt a contact out (kept once, from the first "stop") or back in."""
    if not opted_out:
        conn.execute(delete(OptOut).where(OptOut.contact_id == contact_id))
        return
    row = {"contact_id": contact_id, "opted_out_at": utcnow(), "message_id": message_id}
    conn.execute(insert_ignore(conn.dialect.name, OptOut), [row])


def opted_out(conn: Connection, contact_ids: list[int]) -> set[int]:
    """Which of these contacts opted out."""
    query = select(OptOut.contact_id).where(OptOut.contact_id.in_(contact_ids))
    return {int(i) for i in conn.execute(query).scalars()}


class OptOuts:
    """The opt-out area of the store, keyword-only."""

    def __init__(self, ingest: Runner) -> None:
        self._db = ingest

    async def choose(
        self, *, contact_id: int, opted_out: bool, message_id: int | None = None
    ) -> None:
        """Record "stop" (opted_out=True) or "start"."""
        await self._db.write(set_opted_out, contact_id, opted_out, message_id)

    async def of(self, *, contact_ids: list[int]) -> set[int]:
        """The opted-out among these contacts."""
        return await self._db.read(opted_out, contact_ids) if contact_ids else set()
