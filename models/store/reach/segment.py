"""An audience as one query over contacts (a segment): customer groups, channels, people who
raised a topic or wrote one of a theme's messages, panel members, people not heard from since a
date, people who said yes to being contacted again. Filters of different kinds narrow the
audience (AND); several values of one kind widen it (OR), and a topic and a theme both count
as "raised"."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased

from models.store.reach.tables import ContactAsk, PanelMember
from models.store.tables import Contact, Correction, Message

ERASED = "erased:%"
"""How an erased contact's pseudonym starts (models/store/rights/registry.py)."""
UNCLASSIFIED = "unclassified"
"""The label of a message neither classified nor relabelled (as the digest's figures)."""


@dataclass(frozen=True, slots=True)
class Segment:
    """Who an audience is. Empty tuples and None leave that kind of filter out."""

    groups: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    message_ids: tuple[int, ...] | None = None
    """Themes' messages: their writers are in (None: no theme chosen)."""
    raised_since: datetime | None = None
    """Topics raised since this time (None: ever)."""
    panel: bool = False
    silent_since: datetime | None = None
    """Nothing heard from them since this time."""
    consented: Sequence[int] | None = None
    """Only these contacts (those who said yes to "may we contact you again?")."""
    not_asked: tuple[str, datetime] | None = None
    """Not reached out to with this kind of message since this time (re-engagement)."""


def matching(conn: Connection, segment: Segment, until: datetime) -> list[int]:
    """The ids of the contacts in the segment, in order (erased contacts never)."""
    query = select(Contact.id).where(*conditions(conn, segment, until)).order_by(Contact.id)
    return [int(i) for i in conn.execute(query).scalars()]


def count(conn: Connection, segment: Segment, until: datetime) -> int:
    """How many contacts the segment holds."""
    query = select(func.count()).select_from(Contact).where(*conditions(conn, segment, until))
    return int(conn.execute(query).scalar_one())


def conditions(conn: Connection, segment: Segment, until: datetime) -> list[ColumnElement[bool]]:
    """The WHERE clauses over ``contacts`` that make the segment."""
    where: list[ColumnElement[bool]] = [Contact.pseudonym.not_like(ERASED)]
    if segment.groups:
        where.append(Contact.customer_group.in_(segment.groups))
    if segment.channels:
        where.append(Contact.channel.in_(segment.channels))
    raised = _raised(segment, until)
    if raised is not None:
        where.append(raised)
    if segment.panel:
        where.append(Contact.id.in_(select(PanelMember.contact_id)))
    if segment.silent_since is not None:
        where.append(~_heard_since(segment.silent_since))
    if segment.consented is not None:
        where.append(Contact.id.in_(list(segment.consented)))
    if segment.not_asked is not None:
        where.append(~_asked_since(*segment.not_asked))
    return where


def _raised(segment: Segment, until: datetime) -> ColumnElement[bool] | None:
    """Wrote about one of the topics (by a staff relabel, else the classifier) or one of the
    themes' messages; None when neither is chosen."""
    found: list[ColumnElement[bool]] = []
    if segment.topics:
        since = segment.raised_since or datetime.min.replace(tzinfo=until.tzinfo)
        found.append(_on_topics(segment.topics, since, until))
    if segment.message_ids is not None:
        writers = select(Message.contact_id).where(
            Message.id.in_(list(segment.message_ids)), Message.direction == "in"
        )
        found.append(Contact.id.in_(writers))
    return or_(*found) if found else None


def _on_topics(topics: tuple[str, ...], since: datetime, until: datetime) -> ColumnElement[bool]:
    """The contact wrote a message in [since, until) whose newest label is one of ``topics``:
    a staff relabel (the newest), else the classifier's newest topic (``newest_topic``), else
    "unclassified". Index seeks per contact on ``ix_messages_heard_topic``, not a scan of the
    span's messages."""
    written = and_(
        Message.contact_id == Contact.id,
        Message.direction == "in",
        Message.kind == "message",
        Message.contact_id.is_not(None),
        Message.occurred_at >= since,
        Message.occurred_at < until,
    )
    classified: ColumnElement[bool] = Message.newest_topic.in_(topics)
    if UNCLASSIFIED in topics:
        classified = or_(classified, Message.newest_topic.is_(None))
    relabelled = exists().where(Correction.message_id == Message.id, Correction.field == "topic")
    fix = aliased(Correction)
    newest_fix = (
        select(func.max(fix.id))
        .where(fix.message_id == Message.id, fix.field == "topic")
        .scalar_subquery()
    )
    by_staff = and_(
        Correction.message_id == Message.id,
        Correction.id == newest_fix,
        Correction.value.in_(topics),
    )
    return or_(
        exists().where(written, classified, ~relabelled),
        exists().where(written, by_staff),
    )


def _heard_since(since: datetime) -> ColumnElement[bool]:
    """The contact wrote (or voted) since then: an index seek on (contact_id, occurred_at)."""
    return exists().where(
        and_(
            Message.contact_id == Contact.id,
            Message.occurred_at >= since,
            Message.direction == "in",
        )
    )


def _asked_since(kind: str, since: datetime) -> ColumnElement[bool]:
    return exists().where(
        and_(ContactAsk.contact_id == Contact.id, ContactAsk.kind == kind, ContactAsk.at >= since)
    )
