"""Staff actions on queue items. Each runs in one transaction with its audit_log rows; changes
are guarded UPDATEs (… WHERE the item is still as expected) so concurrent staff cannot both win."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, insert, select, update
from sqlalchemy.engine import Connection

from bot.events import utcnow
from models.store.inbox.history import record_reopened
from models.store.inbox.tables import InboxEntry, InboxItem, StaffUser
from models.store.inbox.types import ClaimResult, InboxError, NoSuchItem
from models.store.tables import AuditEntry, Correction, OutboxItem

SYSTEM = "feedbot"


def actor_name(actor_id: int | None) -> str:
    """How the audit log names an actor: ``staff:<id>``, or ``feedbot`` for the bot itself."""
    return SYSTEM if actor_id is None else f"staff:{actor_id}"


def audit(
    conn: Connection,
    actor_id: int | None,
    action: str,
    item_ids: Sequence[int],
    *,
    via: str = "",
    **detail: Any,
) -> None:
    """One audit row per item touched, in the caller's transaction; ``via`` (``slack``) goes in
    the detail when staff acted from somewhere other than the web inbox."""
    now, actor = utcnow(), actor_name(actor_id)
    if via:
        detail["via"] = via
    rows = [
        {"at": now, "actor": actor, "action": action, "subject": f"item:{i}", "detail": detail}
        for i in item_ids
    ]
    if rows:
        conn.execute(insert(AuditEntry), rows)


def _changed(conn: Connection, item_ids: Sequence[int], *where: Any, **values: Any) -> list[int]:
    """Apply ``values`` to the listed items still matching ``where``; the ids that changed."""
    stmt = (
        update(InboxItem)
        .where(InboxItem.id.in_(list(item_ids)), *where)
        .values(updated_at=utcnow(), **values)
        .returning(InboxItem.id)
    )
    return sorted(int(i) for i in conn.execute(stmt).scalars())


def _must_exist(conn: Connection, item_id: int) -> Any:
    row = conn.execute(select(InboxItem).where(InboxItem.id == item_id)).first()
    if row is None:
        raise NoSuchItem(f"queue item {item_id} does not exist")
    return row


def _holder(conn: Connection, item_id: int) -> ClaimResult:
    row = conn.execute(
        select(InboxItem.assignee_id, StaffUser.name)
        .outerjoin(StaffUser, StaffUser.id == InboxItem.assignee_id)
        .where(InboxItem.id == item_id)
    ).one()
    return ClaimResult(won=False, assignee_id=row[0], assignee=row[1] or "")


def claim(conn: Connection, item_id: int, actor_id: int, *, via: str = "") -> ClaimResult:
    """Take an unassigned item; exactly one of several claimants wins, the others learn who."""
    _must_exist(conn, item_id)
    won = _changed(
        conn,
        [item_id],
        InboxItem.assignee_id.is_(None),
        InboxItem.status != "resolved",
        assignee_id=actor_id,
        status=case((InboxItem.status == "new", "open"), else_=InboxItem.status),
    )
    holder = _holder(conn, item_id)
    if won:
        audit(conn, actor_id, "claim", won, via=via)
        return ClaimResult(True, holder.assignee_id, holder.assignee)
    return ClaimResult(holder.assignee_id == actor_id, holder.assignee_id, holder.assignee)


def unclaim(conn: Connection, item_id: int, actor_id: int, *, anyone: bool) -> bool:
    """Give an item back (one's own; a lead may give back anyone's); InboxError saying why
    when nothing changed."""
    _must_exist(conn, item_id)
    mine = [] if anyone else [InboxItem.assignee_id == actor_id]
    done = _changed(
        conn,
        [item_id],
        InboxItem.assignee_id.is_not(None),
        *mine,
        assignee_id=None,
        status=case(
            ((InboxItem.status == "open") & InboxItem.first_response_at.is_(None), "new"),
            else_=InboxItem.status,
        ),
    )
    if not done:
        raise InboxError(_not_unclaimed(_holder(conn, item_id), actor_id))
    audit(conn, actor_id, "unclaim", done)
    return True


def _not_unclaimed(holder: ClaimResult, actor_id: int) -> str:
    """Why an unclaim changed nothing."""
    if holder.assignee_id is None:
        return "nobody holds this item, so there is nothing to give back"
    if holder.assignee_id == actor_id:
        return "this item could not be given back; reload and try again"
    name = holder.assignee or "someone else"
    return f"{name} holds this item; only they or a lead can give it back"


def assign(
    conn: Connection,
    item_ids: Sequence[int],
    actor_id: int,
    *,
    staff_id: int | None,
    team: str | None,
) -> list[int]:
    """Give items to a member of staff and/or a team; the ids changed."""
    values: dict[str, Any] = {}
    if staff_id is not None:
        _active_staff(conn, staff_id)
        values["assignee_id"] = staff_id
        values["status"] = case((InboxItem.status == "new", "open"), else_=InboxItem.status)
    if team is not None:
        values["team"] = team
        values["team_manual"] = True  # a lead's choice: corrections no longer move it
    if not values:
        raise InboxError("choose a member of staff or a team to assign to")
    done = _changed(conn, item_ids, InboxItem.status != "resolved", **values)
    audit(conn, actor_id, "assign", done, staff_id=staff_id, team=team)
    return done


def _active_staff(conn: Connection, staff_id: int) -> None:
    row = conn.execute(select(StaffUser.disabled_at).where(StaffUser.id == staff_id)).first()
    if row is None or row[0] is not None:
        raise InboxError(f"staff member {staff_id} does not exist or is disabled")


def set_priority(
    conn: Connection, item_id: int, actor_id: int, *, priority: str, due_at: datetime
) -> bool:
    """Change an item's priority and the due time that follows from it."""
    _must_exist(conn, item_id)
    done = _changed(conn, [item_id], priority=priority, due_at=due_at)
    audit(conn, actor_id, "priority", done, priority=priority, due_at=due_at.isoformat())
    return bool(done)


def note(conn: Connection, item_id: int, actor_id: int | None, *, text: str, via: str = "") -> int:
    """Add a private note (never sent; ``actor_id`` None: the bot's own); returns its id."""
    _must_exist(conn, item_id)
    entry = insert(InboxEntry).values(
        item_id=item_id, kind="note", staff_id=actor_id, text=text, created_at=utcnow()
    )
    entry_id = int(conn.execute(entry.returning(InboxEntry.id)).scalar_one())
    _changed(conn, [item_id])
    audit(conn, actor_id, "note", [item_id], via=via, entry_id=entry_id)
    return entry_id


def relabel(
    conn: Connection, item_id: int, actor_id: int, *, field: str, value: str, message_id: int
) -> None:
    """Store a staff relabel of a message as a correction; the item shows the new label."""
    _must_exist(conn, item_id)
    conn.execute(
        insert(Correction).values(
            message_id=message_id,
            field=field,
            value=value,
            staff=actor_name(actor_id),
            created_at=utcnow(),
        )
    )
    _changed(conn, [item_id], **{field: value})
    audit(conn, actor_id, "relabel", [item_id], field=field, value=value, message_id=message_id)


def snooze(conn: Connection, item_id: int, actor_id: int, *, until: datetime) -> bool:
    """Put an item aside until a time; it wakes then, or when the person writes."""
    _must_exist(conn, item_id)
    done = _changed(
        conn, [item_id], InboxItem.status != "resolved", status="snoozed", snoozed_until=until
    )
    audit(conn, actor_id, "snooze", done, until=until.isoformat())
    return bool(done)


AWAKE = case(
    ((InboxItem.assignee_id.is_(None) & InboxItem.first_response_at.is_(None)), "new"),
    else_="open",
)
"""The status of an item coming back to the queue: new if nobody has it or answered yet."""


def wake_snoozed(conn: Connection, *, now: datetime) -> list[int]:
    """Wake the items whose snooze has run out; their ids."""
    due = select(InboxItem.id).where(InboxItem.status == "snoozed", InboxItem.snoozed_until <= now)
    ids = list(conn.execute(due).scalars())
    done = _changed(conn, ids, InboxItem.status == "snoozed", status=AWAKE, snoozed_until=None)
    audit(conn, None, "wake", done)
    return done


def reopen(
    conn: Connection,
    item_id: int,
    actor_id: int | None,
    *,
    due_at: datetime,
    reason: str,
    with_note: str = "",
) -> bool:
    """Put a resolved item back in the queue with a fresh clock (and a note saying why)."""
    _must_exist(conn, item_id)
    now = utcnow()
    done = _changed(
        conn,
        [item_id],
        InboxItem.status == "resolved",
        status=AWAKE,
        resolved_at=None,
        clock_from=now,
        due_at=due_at,
        reopened=InboxItem.reopened + 1,
    )
    record_reopened(conn, done, at=now)
    audit(conn, actor_id, "reopen", done, reason=reason)
    if done and with_note:
        note(conn, item_id, actor_id, text=with_note)
    return bool(done)


def retry_reply(conn: Connection, entry_id: int, actor_id: int) -> bool:
    """Send a failed reply again: its outbox row is due now with a fresh attempt count;
    InboxError saying why when it has not failed (a second retry: nothing to retry)."""
    row = conn.execute(select(InboxEntry).where(InboxEntry.id == entry_id)).first()
    if row is None or row.outbox_id is None:
        raise InboxError(f"reply {entry_id} does not exist")
    result = conn.execute(
        update(OutboxItem)
        .where(OutboxItem.id == row.outbox_id, OutboxItem.status == "failed")
        .values(status="pending", attempts=0, next_attempt_at=utcnow(), last_error="")
    )
    if not result.rowcount:
        status = conn.execute(select(OutboxItem.status).where(OutboxItem.id == row.outbox_id))
        raise InboxError(_nothing_to_retry(status.scalar_one_or_none()))
    audit(conn, actor_id, "retry_reply", [row.item_id], entry_id=entry_id)
    return True


def _nothing_to_retry(status: str | None) -> str:
    """Why a retry changed nothing: the reply has not failed (any more)."""
    state = {"pending": "is waiting to be sent", "sent": "was delivered"}.get(status or "")
    return f"nothing to retry: this reply {state or 'has not failed'}"
