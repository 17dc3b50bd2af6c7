"""The "you said, we did" area of the store (``store.actions``): actions and their notices."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection

from bot.events import utcnow
from models.store.digest.action_notices import Notice, Raiser, notify, raisers
from models.store.digest.tables import Action, ActionNotice
from models.store.runner import Runner
from models.store.tables import AuditEntry
from models.store.upsert import insert_ignore


@dataclass(frozen=True, slots=True)
class ActionView:
    """One recorded action."""

    id: int
    topic: str
    said: str
    outcome: str
    did: str
    why: str
    since: datetime | None
    created_at: datetime


def fingerprint(**fields: object) -> str:
    """The same action recorded twice has the same fingerprint."""
    seed = json.dumps({k: str(v) for k, v in sorted(fields.items())}, ensure_ascii=False)
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()


def add(
    conn: Connection,
    *,
    topic: str,
    said: str,
    outcome: str,
    did: str,
    why: str,
    since: datetime | None,
    created_by: str,
) -> int:
    """Store an action once (the same wording again returns the first one's id)."""
    mark = fingerprint(topic=topic, said=said, outcome=outcome, did=did, why=why)
    row = {
        "fingerprint": mark,
        "topic": topic,
        "said": said,
        "outcome": outcome,
        "did": did,
        "why": why,
        "since": since,
        "created_by": created_by,
        "created_at": utcnow(),
    }
    conn.execute(insert_ignore(conn.dialect.name, Action), [row])
    action_id = int(conn.execute(select(Action.id).where(Action.fingerprint == mark)).scalar_one())
    detail = {"topic": topic, "outcome": outcome}
    audit = {"at": row["created_at"], "actor": created_by, "action": "you_said.add"}
    conn.execute(insert(AuditEntry).values(**audit, subject=f"action:{action_id}", detail=detail))
    return action_id


def _views(conn: Connection, where: object, limit: int) -> list[ActionView]:
    cols = (Action.id, Action.topic, Action.said, Action.outcome, Action.did, Action.why)
    query = select(*cols, Action.since, Action.created_at).where(where)  # type: ignore[arg-type]
    rows = conn.execute(query.order_by(Action.created_at.desc(), Action.id.desc()).limit(limit))
    return [ActionView(*r) for r in rows.all()]


def between(conn: Connection, start: datetime, end: datetime) -> list[ActionView]:
    """Actions recorded in [start, end)."""
    return _views(conn, (Action.created_at >= start) & (Action.created_at < end), 500)


def latest(conn: Connection, limit: int) -> list[ActionView]:
    """The newest actions."""
    return _views(conn, Action.id > 0, limit)


def get(conn: Connection, action_id: int) -> ActionView | None:
    """One action."""
    found = _views(conn, Action.id == action_id, 1)
    return found[0] if found else None


def told(conn: Connection, action_ids: list[int]) -> dict[int, dict[str, int]]:
    """How many notices each action sent, per channel."""
    query = (
        select(ActionNotice.action_id, ActionNotice.channel, func.count())
        .where(ActionNotice.action_id.in_(action_ids))
        .group_by(ActionNotice.action_id, ActionNotice.channel)
    )
    result: dict[int, dict[str, int]] = {}
    for action_id, channel, n in conn.execute(query).all():
        result.setdefault(int(action_id), {})[str(channel)] = int(n)
    return result


class Actions:
    """The "you said, we did" area of the store, keyword-only."""

    def __init__(self, runner: Runner, ingest: Runner) -> None:
        self._db = runner
        self._ingest = ingest

    async def add(
        self,
        *,
        topic: str,
        said: str,
        outcome: str,
        did: str,
        why: str,
        since: datetime | None,
        created_by: str,
    ) -> int:
        """Record an action once per wording; returns its id."""
        return await self._ingest.write(
            add,
            topic=topic,
            said=said,
            outcome=outcome,
            did=did,
            why=why,
            since=since,
            created_by=created_by,
        )

    async def between(self, *, start: datetime, end: datetime) -> list[ActionView]:
        """Actions recorded in a period, newest first."""
        return await self._db.read(between, start, end)

    async def latest(self, *, limit: int = 50) -> list[ActionView]:
        """The newest actions (the public page)."""
        return await self._db.read(latest, limit)

    async def get(self, *, action_id: int) -> ActionView | None:
        """One action."""
        return await self._db.read(get, action_id)

    async def told(self, *, action_ids: list[int]) -> dict[int, dict[str, int]]:
        """Notices sent per action and channel."""
        return await self._db.read(told, action_ids) if action_ids else {}

    async def raisers(self, *, topic: str, since: datetime, until: datetime) -> list[Raiser]:
        """People who raised a topic in a period (not opted out), with where they wrote."""
        return await self._db.read(raisers, topic, since, until)

    async def notify(self, *, action_id: int, notices: list[Notice]) -> dict[str, int]:
        """Queue the notices not sent before; returns recipients told now per channel."""
        return await self._ingest.write(notify, action_id, notices)
