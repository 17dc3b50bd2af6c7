"""Replies (through the outbox, on the conversation they came from), resolving, and the one
satisfaction question per item that follows a resolve."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from bot.events import Address, Channel, ConversationKind, OutboundMessage, utcnow
from models.store.inbound.opt_outs import opted_out
from models.store.inbox.actions import _changed, _must_exist, actor_name, audit
from models.store.inbox.history import record_reopened, record_resolved
from models.store.inbox.tables import InboxCsat, InboxEntry, InboxItem
from models.store.inbox.types import CsatAnswer
from models.store.outbox import queue as outbox
from models.store.polls import definitions as polls
from models.store.polls.tables import Vote
from models.store.reach import ledger
from models.store.tables import Conversation, Message, OutboxItem


class CsatAsk(Protocol):
    """How to ask the satisfaction question (decided in handlers, used inside the resolve)."""

    @property
    def question(self) -> str:
        """The question, stored with its poll."""
        ...

    @property
    def options(self) -> list[tuple[str, str]]:
        """The answers (key, label)."""
        ...

    def allowed(self, address: Address) -> bool:
        """Whether this conversation gets the question at all (not in public, for instance)."""
        ...

    @property
    def cap(self) -> tuple[int, timedelta] | None:
        """The per-person contact cap (at most N messages the bot starts in a period), which
        the question counts towards and respects; None: no cap."""
        ...

    def message(self, poll_id: int, address: Address, language: str) -> OutboundMessage:
        """The question as this conversation's channel shows it, in the person's language."""
        ...


def address_of(conn: Connection, conversation_id: int) -> Address:
    """Where a conversation lives, to send there."""
    c = conn.execute(select(Conversation).where(Conversation.id == conversation_id)).one()
    return Address(
        channel=Channel(c.channel),
        chat=c.chat,
        thread=c.thread,
        kind=ConversationKind(c.kind),
        extra=dict(c.extra or {}),
    )


def reply(conn: Connection, item_id: int, actor_id: int, *, text: str, via: str = "") -> int:
    """Queue a staff reply on the item's own conversation, as a reply to the person's latest
    message; the item is answered (pending). Returns the reply's entry id."""
    item = _must_exist(conn, item_id)
    ref = conn.execute(select(Message.reply_ref).where(Message.id == item.last_message_id))
    message = OutboundMessage(
        address=address_of(conn, item.conversation_id), text=text, reply_ref=ref.scalar_one()
    )
    [message_id] = outbox.enqueue_many(conn, [message], author=actor_name(actor_id))
    outbox_id = conn.execute(select(OutboxItem.id).where(OutboxItem.message_id == message_id))
    now = utcnow()
    values = {
        "item_id": item_id,
        "kind": "reply",
        "staff_id": actor_id,
        "text": text,
        "message_id": message_id,
        "outbox_id": outbox_id.scalar_one(),
        "created_at": now,
    }
    created = conn.execute(insert(InboxEntry).values(values).returning(InboxEntry.id))
    entry_id = int(created.scalar_one())
    record_reopened(conn, [item_id], at=now)  # the digest knows this reply caused it
    _changed(
        conn,
        [item_id],
        status="pending",
        snoozed_until=None,
        resolved_at=None,
        first_response_at=func.coalesce(InboxItem.first_response_at, now),
        assignee_id=func.coalesce(InboxItem.assignee_id, actor_id),
    )
    detail = {"entry_id": entry_id, "outbox_id": values["outbox_id"]}
    audit(conn, actor_id, "reply", [item_id], via=via, **detail)
    return entry_id


def resolve(
    conn: Connection,
    item_ids: Sequence[int],
    actor_id: int,
    *,
    ask: CsatAsk | None,
    via: str = "",
    languages: Mapping[int, str] | None = None,
) -> list[int]:
    """Close items; each answered one gets its satisfaction question (once). The ids closed."""
    now = utcnow()
    done = _changed(
        conn,
        item_ids,
        InboxItem.status != "resolved",
        status="resolved",
        resolved_at=now,
        resolved_by=actor_id,
        snoozed_until=None,
    )
    record_resolved(conn, done, at=now)
    audit(conn, actor_id, "resolve", done, via=via)
    for item_id in done if ask is not None else []:
        assert ask is not None
        _ask_csat(conn, item_id, actor_id, ask, (languages or {}).get(item_id, "en"))
    return done


def csat_address(conn: Connection, item_id: int, ask: CsatAsk) -> Address | None:
    """Where resolving the item would send the satisfaction question: its conversation, when
    staff replied to it, it was not asked before, the person did not opt out ("stop") and the
    conversation may be asked; else None."""
    replied = select(InboxEntry.id).where(InboxEntry.item_id == item_id, InboxEntry.kind == "reply")
    asked = select(InboxCsat.item_id).where(InboxCsat.item_id == item_id)
    if conn.execute(replied.limit(1)).first() is None or conn.execute(asked).first() is not None:
        return None
    item = _must_exist(conn, item_id)
    if opted_out(conn, [item.contact_id]) or _capped(conn, item.contact_id, ask.cap):
        return None
    address = address_of(conn, item.conversation_id)
    return address if ask.allowed(address) else None


def _capped(conn: Connection, contact_id: int, cap: tuple[int, timedelta] | None) -> bool:
    """Whether the person was reached out to as often as the cap allows."""
    if cap is None or cap[0] <= 0:
        return False
    asked = ledger.asked_since(conn, [contact_id], utcnow() - cap[1])
    return asked.get(contact_id, 0) >= cap[0]


def _ask_csat(conn: Connection, item_id: int, actor_id: int, ask: CsatAsk, language: str) -> None:
    address = csat_address(conn, item_id, ask)
    if address is None:
        return
    poll_id = polls.create(
        conn,
        targets=[polls.Target(address.channel.value, address.chat)],
        options=ask.options,
        question=ask.question,
        kind="csat",
        status="open",
    )
    now = utcnow()
    row = {"item_id": item_id, "poll_id": poll_id, "staff_id": actor_id, "asked_at": now}
    conn.execute(insert(InboxCsat).values(row))
    outbox.enqueue_many(conn, [ask.message(poll_id, address, language)], author="feedbot:csat")
    contact_id = _must_exist(conn, item_id).contact_id
    ledger.record(conn, [contact_id], "csat", f"poll:{poll_id}", now)
    audit(conn, None, "csat_asked", [item_id], poll_id=poll_id)


def record_csat(conn: Connection, message_ids: Sequence[int]) -> list[CsatAnswer]:
    """Store the satisfaction answers among these vote events against their items (only the
    item's own person answers it, even where others in a group chat could tap)."""
    rows = conn.execute(
        select(Vote.poll_id, Vote.options, InboxCsat.item_id, InboxCsat.staff_id, InboxItem.status)
        .join(InboxCsat, InboxCsat.poll_id == Vote.poll_id)
        .join(InboxItem, InboxItem.id == InboxCsat.item_id)
        .where(Vote.message_id.in_(list(message_ids)), Vote.contact_id == InboxItem.contact_id)
    ).all()
    answers = [_answer(conn, r) for r in rows if r.options and str(r.options[0]).isdigit()]
    return [a for a in answers if a is not None]


def _answer(conn: Connection, r: Any) -> CsatAnswer | None:
    score = int(r.options[0])
    conn.execute(
        update(InboxCsat)
        .where(InboxCsat.item_id == r.item_id)
        .values(score=score, answered_at=utcnow())
    )
    audit(conn, None, "csat_answer", [r.item_id], score=score, staff_id=r.staff_id)
    return CsatAnswer(r.item_id, score, r.staff_id, r.status)


@dataclass(frozen=True, slots=True)
class Awaiting:
    """A satisfaction question still waiting for this person's answer in a conversation."""

    contact_id: int
    conversation_id: int
    poll_id: int


def awaiting_csat(
    conn: Connection, contact_ids: Sequence[int], *, since: datetime
) -> list[Awaiting]:
    """Unanswered questions asked of these people since a time (a typed "4" answers them)."""
    rows = conn.execute(
        select(InboxItem.contact_id, InboxItem.conversation_id, InboxCsat.poll_id)
        .join(InboxItem, InboxItem.id == InboxCsat.item_id)
        .where(
            InboxItem.contact_id.in_(list(contact_ids)),
            InboxCsat.answered_at.is_(None),
            InboxCsat.asked_at >= since,
        )
    ).all()
    return [Awaiting(*r) for r in rows]
