"""The acknowledge step: tell a person their message arrived, once per conversation per day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from bot.events import EventKind, OutboundMessage, utcnow
from handlers.context import Context, Stage
from models.store import Store

ACK_EVERY = timedelta(hours=24)


class Acknowledge:
    """Queue a short, honest acknowledgement on the same chat or thread."""

    name = "acknowledge"
    stage = Stage.AFTER_STORE

    def __init__(self, store: Store, text: str, wake_outbox: Callable[[], None]) -> None:
        self._store = store
        self._text = text
        self._wake = wake_outbox

    def applies(self, ctx: Context) -> bool:
        return ctx.kind is EventKind.MESSAGE and bool(self._text)

    async def run(self, ctx: Context) -> bool:
        if ctx.acknowledged_at is not None and utcnow() - ctx.acknowledged_at < ACK_EVERY:
            return True  # cheap check first; acknowledge_once below is the atomic one
        if await self._store.acknowledge_once(ctx.conversation_id, every=ACK_EVERY):
            reply = OutboundMessage(address=ctx.address, text=self._text, reply_ref=ctx.reply_ref)
            await self._store.enqueue(reply, author="feedbot")
            self._wake()
        return True
