"""Sending raised alerts that are due: each send is leased (one process at a time), its words
rendered from what the store holds now, then handed to the outbox for the staff chat
(in the transaction that marks it sent) or mailed; a moot one is dropped, a failed mail retried."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.events import Address
from handlers.alerts.mail import AlertMailer
from handlers.alerts.messages import chat_message
from handlers.alerts.render import AlertText, is_moot, item_text, spike_text
from handlers.digest.sender import retry_delay
from models.store import Store
from models.store.alerts import ClaimedSend

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=2)


class AlertDispatcher:
    """Delivers due alert sends to the staff chat (``staff_chat``, e.g. a Slack channel; its
    sends are recorded under the channel's name) and by e-mail."""

    def __init__(
        self,
        store: Store,
        *,
        zone: ZoneInfo,
        base_url: str,
        wake_outbox: Callable[[], None],
        staff_chat: Address | None = None,
        mailer: AlertMailer | None = None,
        max_attempts: int = 8,
    ) -> None:
        self._store = store
        self._zone = zone
        self._base = base_url.rstrip("/")
        self._wake = wake_outbox
        self._chat = staff_chat
        self._mailer = mailer
        self._max_attempts = max_attempts

    @property
    def destinations(self) -> list[str]:
        """Where alerts go: the staff chat's channel (e.g. 'slack') and/or 'email'."""
        chat = [self._chat.channel.value] if self._chat is not None else []
        return chat + (["email"] if self._mailer is not None else [])

    async def dispatch(self, now: datetime) -> int:
        """Send what is due; how many sends were taken."""
        taken = 0
        if self._chat is not None:
            taken += await self._to_chat(self._chat, now)
        if self._mailer is not None:
            taken += await self._to_mail(self._mailer, now)
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

    async def _to_chat(self, chat: Address, now: datetime) -> int:
        where = chat.channel.value
        claimed = await self._store.alerts.claim(destination=where, now=now, lease=LEASE)
        for send in claimed:
            text = await self.text(send, now)
            if text is None:
                await self._drop(send, now)
                continue
            message = chat_message(chat, text)
            await self._store.alerts.hand_over(
                send_id=send.send_id, attempts=send.attempts, message=message, now=now
            )
        if claimed:
            self._wake()
        return len(claimed)

    async def _to_mail(self, mailer: AlertMailer, now: datetime) -> int:
        claimed = await self._store.alerts.claim(destination="email", now=now, lease=LEASE)
        for send in claimed:
            text = await self.text(send, now)
            if text is None:
                await self._drop(send, now)
                continue
            try:
                await mailer.send(text)
            except Exception as exc:  # noqa: BLE001 - kept on the row and retried
                await self._failed(send, now, f"{type(exc).__name__}: {exc}")
                continue
            await self._store.alerts.settle(
                send_id=send.send_id, attempts=send.attempts, status="sent", at=now
            )
        return len(claimed)

    async def _drop(self, send: ClaimedSend, now: datetime) -> None:
        await self._store.alerts.settle(
            send_id=send.send_id, attempts=send.attempts, status="dropped", at=now
        )

    async def _failed(self, send: ClaimedSend, now: datetime, error: str) -> None:
        final = send.attempts >= self._max_attempts
        log.warning(
            "alert %d by e-mail failed (attempt %d): %s", send.alert_id, send.attempts, error
        )
        status, at = ("failed", now) if final else ("pending", now + retry_delay(send.attempts))
        await self._store.alerts.settle(
            send_id=send.send_id, attempts=send.attempts, status=status, at=at, error=error
        )
