"""Sending raised alerts that are due: each send is leased (one process at a time), its words
rendered from what the store holds now, then handed to the outbox (the staff chat, e-mail) in
the transaction that marks it handed over; a moot one is dropped. The outbox sends, retries
and settles it like any message.

Why alert_sends is a queue of its own and not an outbox row: an alert waits (quiet hours) and
its words are rendered only when it is due, from the item as it is then (a dealt-with item
drops it); the outbox holds messages already written. Handing over is one transaction, so it
has no retry of its own: a claim cut short lapses and is taken again."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.events import Address
from handlers.alerts.messages import AlertMail, AlertPlace, StaffChat
from handlers.alerts.render import AlertText, is_moot, item_text, spike_text
from models.store import Store
from models.store.alerts.raised import ClaimedSend

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=2)


class AlertDispatcher:
    """Hands due alert sends to the outbox for the staff chat (``staff_chat``, e.g. a Slack
    channel) and e-mail (``mail``); each send is recorded under its channel's name."""

    def __init__(
        self,
        store: Store,
        *,
        zone: ZoneInfo,
        base_url: str,
        wake_outbox: Callable[[], None],
        staff_chat: Address | None = None,
        mail: AlertMail | None = None,
    ) -> None:
        self._store = store
        self._zone = zone
        self._base = base_url.rstrip("/")
        self._wake = wake_outbox
        chat = [StaffChat(staff_chat)] if staff_chat is not None else []
        self._places: Sequence[AlertPlace] = [*chat, *([mail] if mail is not None else [])]

    @property
    def destinations(self) -> list[str]:
        """Where alerts go: the staff chat's channel (e.g. 'slack') and/or 'email'."""
        return [p.address.channel.value for p in self._places]

    async def dispatch(self, now: datetime) -> int:
        """Hand over what is due; how many sends were taken."""
        taken = 0
        for place in self._places:
            taken += await self._hand_over(place, now)
        if taken:
            self._wake()
        return taken

    async def text(self, send: ClaimedSend, now: datetime) -> AlertText | None:
        """The alert's words now; None when it is moot (the item was dealt with meanwhile)."""
        if send.kind == "spike":
            ids = [int(i) for i in send.detail.get("examples", ())]
            texts = await self._store.alerts.texts(message_ids=ids)
            return spike_text(send, texts, self._zone, self._base)
        item = None
        if send.item_id is not None:
            item = await self._store.inbox.item(item_id=send.item_id)
        if item is None or is_moot(send, item, now):
            return None
        return item_text(send, item, now, self._zone, self._base)

    async def _hand_over(self, place: AlertPlace, now: datetime) -> int:
        where = place.address.channel.value
        claimed = await self._store.alerts.claim(destination=where, now=now, lease=LEASE)
        for send in claimed:
            text = await self.text(send, now)
            if text is None:
                await self._store.alerts.drop(send_id=send.send_id, attempts=send.attempts, at=now)
                continue
            await self._store.alerts.hand_over(
                send_id=send.send_id, attempts=send.attempts, message=place.message(text), now=now
            )
        return len(claimed)
