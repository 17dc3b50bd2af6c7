"""Reading the queue: filtered lists sorted by due time, counts per view, one item's page."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.engine import Connection

from models.store.digest import queue_figures as figures
from models.store.inbox.tables import InboxCsat, InboxItem, StaffUser
from models.store.inbox.types import STATUSES, WAITING, ItemRow, ItemView, QueueFilter
from models.store.people.columns import person_group, person_pseudonym
from models.store.people.names import short_name
from models.store.tables import ContactAddress, Conversation, Message

MAX_LIMIT = 200

ROW_COLUMNS = (
    InboxItem.id,
    InboxItem.conversation_id,
    InboxItem.channel,
    InboxItem.status,
    InboxItem.priority,
    InboxItem.team,
    InboxItem.assignee_id,
    StaffUser.name.label("assignee"),
    InboxItem.due_at,
    InboxItem.topic,
    InboxItem.sentiment,
    Message.text,
    InboxItem.created_at,
    InboxItem.last_message_at,
    InboxItem.snoozed_until,
    InboxItem.first_response_at,
    InboxItem.resolved_at,
    InboxItem.language,
    person_pseudonym(InboxItem.contact_id).label("person"),
    person_group(InboxItem.contact_id).label("group"),
)


def conditions(f: QueueFilter) -> list[ColumnElement[bool]]:
    """The WHERE clauses of a filter."""
    i = InboxItem
    where = [i.status.in_(f.statuses) if f.statuses else i.status != "resolved"]
    equal = {
        i.team: f.team,
        i.assignee_id: f.assignee_id,
        i.channel: f.channel,
        i.topic: f.topic,
        i.sentiment: f.sentiment,
        i.priority: f.priority,
        i.language: f.language,
    }
    where += [column == value for column, value in equal.items() if value is not None]
    if f.languages:
        where.append(i.language.in_(f.languages))
    if f.unassigned:
        where.append(i.assignee_id.is_(None))
    if f.overdue_at is not None:
        where.append(and_(i.status.in_(WAITING), i.due_at < f.overdue_at))
    if f.new_since is not None:
        where.append(i.last_message_at > f.new_since)
    if f.ids:
        where.append(i.id.in_(f.ids))
    if f.created_in is not None:
        where.append(and_(i.created_at >= f.created_in[0], i.created_at < f.created_in[1]))
    return where + _digest_conditions(f)


def _digest_conditions(f: QueueFilter) -> list[ColumnElement[bool]]:
    """The digest's figures as filters: the same conditions its counts use."""
    i = InboxItem
    where: list[ColumnElement[bool]] = []
    for week, ids in (
        (f.responded_in, figures.responded_in),
        (f.resolved_in, figures.resolved_in),
        (f.csat_in, figures.csat_answered_in),
    ):
        if week is not None:
            where.append(i.id.in_(ids(figures.Span(*week))))
    if f.open_at is not None:
        end = figures.Span(*f.open_at)
        where.append(figures.open_at_end(end))
        if f.overdue_then:
            where.append(figures.overdue_at_end(end))
    return where


def _rows(where: list[ColumnElement[bool]]) -> Select[*tuple[Any, ...]]:
    return (
        select(*ROW_COLUMNS)
        .select_from(InboxItem)
        .join(Message, Message.id == InboxItem.last_message_id)
        .outerjoin(StaffUser, StaffUser.id == InboxItem.assignee_id)
        .where(*where)
    )


def listing(conn: Connection, f: QueueFilter, *, limit: int, offset: int) -> list[ItemRow]:
    """A page of the items a filter picks, soonest due first."""
    query = _rows(conditions(f)).order_by(InboxItem.due_at, InboxItem.id)
    return [_row(r) for r in conn.execute(query.limit(limit).offset(offset)).all()]


def list_query(f: QueueFilter, *, limit: int) -> Select[*tuple[Any, ...]]:
    """The list statement itself (the benchmark prints its plan)."""
    return _rows(conditions(f)).order_by(InboxItem.due_at, InboxItem.id).limit(limit)


ROW_NAMES = [f.name for f in fields(ItemRow)]


def _row(r: Any) -> ItemRow:
    m = r._mapping
    values = {name: m[name] for name in ROW_NAMES}
    values["assignee"] = values["assignee"] or ""
    values["person"] = short_name(values["person"] or "")
    return ItemRow(**values)


def count(conn: Connection, f: QueueFilter) -> int:
    """How many items a filter picks."""
    query = select(func.count()).select_from(InboxItem).where(*conditions(f))
    return int(conn.execute(query).scalar_one())


def counts(
    conn: Connection, *, staff_id: int | None, now: datetime, new_since: datetime | None
) -> dict[str, int]:
    """Open items per standing view (all, mine, unassigned, overdue, new since) and per open
    status: one small COUNT each, every one answered from an index (resolved items, which only
    grow, are not counted here: ``count`` them with a filter when needed)."""
    i = InboxItem
    views: dict[str, list[ColumnElement[bool]]] = {
        "mine": [i.assignee_id == (staff_id if staff_id is not None else -1)],
        "unassigned": [i.assignee_id.is_(None)],
        "overdue": [i.status.in_(WAITING), i.due_at < now],
    }
    if new_since is not None:
        views["new_since"] = [i.last_message_at > new_since]
    by_status = select(i.status, func.count()).where(i.status != "resolved").group_by(i.status)
    found = {s: 0 for s in STATUSES if s != "resolved"}
    found |= {str(s): int(n) for s, n in conn.execute(by_status).all()}
    found["all"] = sum(found.values())
    return {"new_since": 0} | found | {k: _open_count(conn, w) for k, w in views.items()}


def _open_count(conn: Connection, where: list[ColumnElement[bool]]) -> int:
    query = (
        select(func.count()).select_from(InboxItem).where(InboxItem.status != "resolved", *where)
    )
    return int(conn.execute(query).scalar_one())


def facets(conn: Connection, column: str) -> dict[str, int]:
    """Open items per value of one column (team, channel, topic, sentiment, priority, language)."""
    col = getattr(InboxItem, column)
    query = select(col, func.count()).where(InboxItem.status != "resolved").group_by(col)
    return {str(v): int(n) for v, n in conn.execute(query).all()}


def item(conn: Connection, item_id: int) -> ItemView | None:
    """One item with its conversation kind, the person's display name and its CSAT."""
    query = (
        _rows([InboxItem.id == item_id])
        .add_columns(
            InboxItem.contact_id,
            Conversation.kind,
            ContactAddress.display_name,
            InboxItem.clock_from,
            InboxItem.resolved_by,
            InboxItem.reopened,
            InboxItem.team_manual,
            InboxCsat.score,
            InboxCsat.item_id.label("csat_item"),
        )
        .join(Conversation, Conversation.id == InboxItem.conversation_id)
        .outerjoin(ContactAddress, ContactAddress.contact_id == InboxItem.contact_id)
        .outerjoin(InboxCsat, InboxCsat.item_id == InboxItem.id)
    )
    r = conn.execute(query).first()
    if r is None:
        return None
    m = r._mapping
    return ItemView(
        row=_row(r),
        contact_id=m["contact_id"],
        conversation_kind=m["kind"],
        display_name=m["display_name"] or "",
        clock_from=m["clock_from"],
        resolved_by=m["resolved_by"],
        reopened=m["reopened"],
        csat_score=m["score"],
        csat_asked=m["csat_item"] is not None,
        team_manual=bool(m["team_manual"]),
    )
