"""The acknowledge step: tell a person their message arrived, once per conversation per day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from bot.events import EventKind, OutboundMessage, utcnow
from config.wording import Wording
from handlers.context import Context, Stage
from handlers.speaking import Languages
from models.store import Store

ACK_EVERY = timedelta(hours=24)


class Acknowledge:
    """Queue a short, honest acknowledgement on the same chat or thread."""

    name = "acknowledge"
    stage = Stage.AFTER_STORE

    def __init__(
        self,
        store: Store,
        wording: Wording,
        languages: Languages,
        wake_outbox: Callable[[], None],
    ) -> None:
        self._store = store
        self._wording = wording
        self._languages = languages
        self._wake = wake_outbox

    def applies(self, ctx: Context) -> bool:
        return ctx.kind is EventKind.MESSAGE and bool(self._wording.text("acknowledgement"))

    def _text(self, ctx: Context) -> str:
        """The acknowledgement in the message's own language."""
        return self._wording.text("acknowledgement", self._languages.of_message(ctx))

    async def run(self, batch: list[Context]) -> None:
        recent = utcnow() - ACK_EVERY
        due = [c for c in batch if c.acknowledged_at is None or c.acknowledged_at < recent]
        if not due:  # the cheap check; acknowledge_first below is the atomic one
            return
        first = await self._store.processing.acknowledge_first(
            ids=[c.conversation_id for c in due], every=ACK_EVERY
        )
        replies = [
            OutboundMessage(address=c.address, text=self._text(c), reply_ref=c.reply_ref)
            for c in _one_per_conversation(due)
            if c.conversation_id in first
        ]
        if replies:
            await self._store.outbox.enqueue_many(messages=replies, author="feedbot")
            self._wake()


def _one_per_conversation(batch: list[Context]) -> list[Context]:
    """The first event of each conversation in the batch."""
    seen: dict[int, Context] = {}
    for ctx in batch:
        seen.setdefault(ctx.conversation_id, ctx)
    return list(seen.values())
