"""``store.bridge``: the staff channel's cards and its once-only staff actions, keyword-only,
each call one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.events import OutboundMessage
from models.store.bridge import cards
from models.store.bridge.cards import Card, ReplySettled
from models.store.outbox.outcomes import Settled
from models.store.runner import Runner
from models.store.staff.accounts import StaffView

__all__ = ["BridgeStore", "Card", "ReplySettled"]


class BridgeStore:
    """Cards in the staff channel and the Slack actions already acted on."""

    def __init__(self, runner: Runner, *, durable: Runner) -> None:
        self._db = runner
        self._durable = durable  # what staff did: kept before Slack is answered

    async def card(self, *, item_id: int) -> Card | None:
        """An item's card, if one was ever queued."""
        return await self._db.read(cards.card, item_id)

    async def item_at(self, *, chat: str, ts: str) -> int | None:
        """The item whose card is the message ``ts`` in ``chat`` (a thread's parent)."""
        return await self._db.read(cards.item_at, chat, ts)

    async def post(self, *, item_id: int, message: OutboundMessage, shown: str) -> bool:
        """Queue an item's first card; False when it already has one."""
        return await self._db.write(cards.post, item_id, message, shown=shown)

    async def repost(self, *, item_id: int, message: OutboundMessage, shown: str) -> None:
        """Queue the card again after its post failed for good."""
        await self._db.write(cards.repost, item_id, message, shown=shown)

    async def edit(self, *, item_id: int, message: OutboundMessage, shown: str) -> None:
        """Queue an edit of the card; remember what it will show."""
        await self._db.write(cards.edit, item_id, message, shown=shown)

    async def synced(self, *, item_id: int) -> None:
        """Note that the card was found up to date."""
        await self._db.write(cards.synced, item_id)

    async def behind(self, *, since: datetime, limit: int = 100) -> list[int]:
        """Items changed since ``since`` whose card may not show it yet."""
        return await self._db.read(cards.behind, since, limit)

    async def queue(
        self, *, messages: Sequence[OutboundMessage], item_id: int | None = None
    ) -> None:
        """Queue messages for the staff channel (in a card's thread, or private ones), kept
        against the item they are about."""
        await self._db.write(cards.queue, item_id, list(messages))

    async def cards_posted(self, *, outbox_ids: Sequence[int]) -> list[int]:
        """Items whose card post is among these outbox rows."""
        return await self._db.read(cards.cards_posted, list(outbox_ids))

    async def replies_settled(self, *, outcomes: Sequence[Settled]) -> list[ReplySettled]:
        """Staff replies among these settled sends."""
        return await self._db.read(cards.replies_settled, list(outcomes))

    async def first_time(self, *, key: str) -> bool:
        """Mark a Slack action as acted on; False when it already was."""
        return await self._durable.write(cards.first_time, key)

    async def forget(self, *, key: str) -> None:
        """Unmark an action that failed, so Slack's retry may do it."""
        await self._durable.write(cards.forget, key)

    async def staff_by_slack(self, *, slack_user_id: str) -> StaffView | None:
        """The staff account linked to a Slack user id."""
        return await self._db.read(cards.staff_by_slack, slack_user_id)
