"""Once-only keys: a staff action from Slack is marked done in the same transaction as the
action itself, so a redelivered payload finds the mark and a failed action leaves none."""

from __future__ import annotations

from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy.engine import Connection

from bot.events import utcnow
from models.store.bridge.tables import BridgeSeen
from models.store.inbox.types import InboxError
from models.store.upsert import insert_ignore

T = TypeVar("T")
P = ParamSpec("P")


class Repeated(InboxError):
    """This action was already done (the platform delivered it again)."""


def mark(conn: Connection, key: str) -> bool:
    """Mark ``key`` done; False when it already was."""
    row = {"key": key[:255], "at": utcnow()}
    return conn.execute(insert_ignore(conn.dialect.name, BridgeSeen), [row]).rowcount == 1


def once(
    fn: Callable[Concatenate[Connection, P], T], key: str
) -> Callable[Concatenate[Connection, P], T]:
    """``fn`` run in its transaction only if ``key`` was not done yet (Repeated otherwise);
    with no key, ``fn`` itself."""
    if not key:
        return fn

    def first(conn: Connection, /, *args: P.args, **kwargs: P.kwargs) -> T:
        if not mark(conn, key):
            raise Repeated(f"already done: {key}")
        return fn(conn, *args, **kwargs)

    return first
