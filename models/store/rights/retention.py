"""The retention period: message texts older than it become a marker, addresses of people not
heard from within it are removed, notes of items closed before it are deleted. Rows, labels,
times and votes stay, so counts and poll results do not change. One transaction; a dry run
counts the same rows and changes nothing."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, delete, exists, func, select, update
from sqlalchemy.engine import Connection

from models.store.inbox.tables import InboxEntry, InboxItem
from models.store.jobs.cursors import audit
from models.store.rights.registry import ERASED
from models.store.tables import Contact, ContactAddress, Cursor, Message, OutboxItem
from models.store.upsert import insert_ignore

EXPIRED = "[removed after the retention period]"
"""What replaces a message's text once the retention period has passed."""
DONE = (EXPIRED, ERASED, "")
JOB = "job.retention"
"""The cursor row whose value is the last day the daily run happened (its lease)."""


@dataclass(frozen=True, slots=True)
class Purge:
    """What a retention run removed (or, dry, would remove)."""

    cutoff: datetime
    texts: int
    replies: int
    outbox_payloads: int
    addresses: int
    notes: int
    ran: bool = True

    def lines(self, cutoff: str = "") -> list[str]:
        """A readable account; ``cutoff``: the cutoff as the reader's clock says it."""
        return [
            f"older than {cutoff or format(self.cutoff, '%Y-%m-%d %H:%M UTC')}:",
            f"  message texts replaced by a marker: {self.texts}",
            f"  staff reply texts replaced: {self.replies}",
            f"  outgoing message payloads emptied: {self.outbox_payloads}",
            f"  addresses of people not heard from: {self.addresses}",
            f"  private notes of closed queue items: {self.notes}",
        ]


def _old_texts(cutoff: datetime) -> ColumnElement[bool]:
    return (Message.received_at < cutoff) & Message.text.not_in(DONE)


def _old_replies(cutoff: datetime) -> ColumnElement[bool]:
    return (
        (InboxEntry.kind == "reply")
        & (InboxEntry.created_at < cutoff)
        & InboxEntry.text.not_in(DONE)
    )


def _old_payloads(cutoff: datetime) -> ColumnElement[bool]:
    settled = OutboxItem.status != "pending"
    return (
        settled
        & (OutboxItem.created_at < cutoff)
        & OutboxItem.message_id.in_(
            select(Message.id).where(Message.received_at < cutoff, Message.text.not_in(DONE))
        )
    )


def _silent(cutoff: datetime) -> ColumnElement[bool]:
    """Addresses of contacts with no message from them since the cutoff."""
    recent = exists().where(
        Message.contact_id == ContactAddress.contact_id, Message.received_at >= cutoff
    )
    older = select(Contact.id).where(Contact.created_at < cutoff)
    return ContactAddress.contact_id.in_(older) & ~recent


def _closed_notes(cutoff: datetime) -> ColumnElement[bool]:
    closed = select(InboxItem.id).where(
        InboxItem.status == "resolved", InboxItem.resolved_at < cutoff
    )
    return (InboxEntry.kind == "note") & InboxEntry.item_id.in_(closed)


def _count(conn: Connection, model: object, where: ColumnElement[bool]) -> int:
    return int(conn.execute(select(func.count()).select_from(model).where(where)).scalar_one())  # type: ignore[arg-type]


def run(conn: Connection, *, cutoff: datetime, dry_run: bool, actor: str = "feedbot") -> Purge:
    """Count, and unless dry, apply every retention rule (payloads before the texts they key on)."""
    found = Purge(
        cutoff=cutoff,
        texts=_count(conn, Message, _old_texts(cutoff)),
        replies=_count(conn, InboxEntry, _old_replies(cutoff)),
        outbox_payloads=_count(conn, OutboxItem, _old_payloads(cutoff)),
        addresses=_count(conn, ContactAddress, _silent(cutoff)),
        notes=_count(conn, InboxEntry, _closed_notes(cutoff)),
    )
    if not dry_run:
        _apply(conn, cutoff)
        detail = {k: v for k, v in asdict(found).items() if isinstance(v, int)}
        audit(conn, actor=actor, action="retention", subject="", detail=detail)
    return found


def _apply(conn: Connection, cutoff: datetime) -> None:
    emptied = {"expired": True}
    conn.execute(update(OutboxItem).where(_old_payloads(cutoff)).values(payload=emptied))
    conn.execute(update(Message).where(_old_texts(cutoff)).values(text=EXPIRED))
    conn.execute(update(InboxEntry).where(_old_replies(cutoff)).values(text=EXPIRED))
    conn.execute(delete(ContactAddress).where(_silent(cutoff)))
    conn.execute(delete(InboxEntry).where(_closed_notes(cutoff)))


def claim_day(conn: Connection, *, day: str, now: datetime) -> bool:
    """True for the one caller that runs retention on ``day`` (a conditional UPDATE on the
    job's row; a concurrent caller waits for it and then finds the day taken)."""
    row = {"name": JOB, "value": "", "updated_at": now}
    conn.execute(insert_ignore(conn.dialect.name, Cursor), [row])
    won = conn.execute(
        update(Cursor)
        .where(Cursor.name == JOB, Cursor.value < day)
        .values(value=day, updated_at=now)
    )
    return won.rowcount == 1


def daily(conn: Connection, *, now: datetime, cutoff: datetime) -> Purge | None:
    """Today's run, in the same transaction as its claim (a crash undoes both); None when
    another process already ran it today."""
    if not claim_day(conn, day=now.date().isoformat(), now=now):
        return None
    return run(conn, cutoff=cutoff, dry_run=False)
