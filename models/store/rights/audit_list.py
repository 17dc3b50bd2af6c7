"""Reading the audit log: newest first, narrowed by actor, action and subject, paged by id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from models.store.tables import AuditEntry


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Exact matches; empty means any. ``subject`` may end in ``*`` for a prefix (item:*)."""

    actor: str = ""
    action: str = ""
    subject: str = ""


@dataclass(frozen=True, slots=True)
class AuditRow:
    """One audit entry."""

    id: int
    at: datetime
    actor: str
    action: str
    subject: str
    detail: dict[str, Any]


def entries(
    conn: Connection, wanted: AuditFilter, limit: int, before: int | None = None
) -> list[AuditRow]:
    """Up to ``limit`` entries older than ``before`` (an id), newest first."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if before is not None:
        query = query.where(AuditEntry.id < before)
    if wanted.actor:
        query = query.where(AuditEntry.actor == wanted.actor)
    if wanted.action:
        query = query.where(AuditEntry.action == wanted.action)
    if wanted.subject.endswith("*"):
        query = query.where(AuditEntry.subject.startswith(wanted.subject[:-1], autoescape=True))
    elif wanted.subject:
        query = query.where(AuditEntry.subject == wanted.subject)
    return [
        AuditRow(r.id, r.at, r.actor, r.action, r.subject, dict(r.detail or {}))
        for r in conn.execute(query)
    ]
