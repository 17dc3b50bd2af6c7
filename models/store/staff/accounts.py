"""Staff accounts: add, list, find, disable, new password, Slack link, languages read; each
change audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from bot.events import utcnow
from models.store.inbox.tables import StaffUser
from models.store.jobs import cursors
from models.store.staff.tables import StaffSession


class StaffExists(Exception):
    """An account with this e-mail address already exists."""


class NoSuchStaff(Exception):
    """No account has this e-mail address."""


@dataclass(frozen=True)
class StaffView:
    """A staff account as the rest of the bot sees it (never the password hash)."""

    id: int
    email: str
    name: str
    role: str
    team: str
    disabled: bool
    slack_user_id: str
    created_at: datetime
    languages: tuple[str, ...] = ()
    """The languages they read (ISO 639-1), for the queue's "languages I read" filter."""

    @property
    def actor(self) -> str:
        """How the audit log names this person."""
        return f"staff:{self.id}"


def view(row: Any) -> StaffView:
    """A StaffView from a staff_users row."""
    return StaffView(
        id=row.id,
        email=row.email,
        name=row.name,
        role=row.role,
        team=row.team,
        disabled=row.disabled_at is not None,
        slack_user_id=row.slack_user_id,
        created_at=row.created_at,
        languages=tuple(code for code in row.languages.split(",") if code),
    )


def add(
    conn: Connection,
    *,
    email: str,
    name: str,
    role: str,
    team: str,
    password_hash: str,
    actor: str,
    languages: Sequence[str] = (),
) -> StaffView:
    """Create an account; StaffExists if the address is taken."""
    email = email.strip().lower()
    if conn.execute(select(StaffUser.id).where(StaffUser.email == email)).first():
        raise StaffExists(email)
    values = {"email": email, "name": name, "role": role, "team": team}
    values["languages"] = ",".join(languages)
    new_id = conn.execute(
        insert(StaffUser)
        .values(**values, password_hash=password_hash, slack_user_id="", created_at=utcnow())
        .returning(StaffUser.id)
    ).scalar_one()
    cursors.audit(conn, actor=actor, action="staff.add", subject=f"staff:{new_id}", detail=values)
    return by_id(conn, new_id)


def all_staff(conn: Connection) -> list[StaffView]:
    """Every account, by e-mail address."""
    return [view(r) for r in conn.execute(select(StaffUser).order_by(StaffUser.email))]


def by_id(conn: Connection, staff_id: int) -> StaffView:
    """One account by id."""
    return view(conn.execute(select(StaffUser).where(StaffUser.id == staff_id)).one())


def found(conn: Connection, staff_id: int) -> StaffView | None:
    """One account by id, or None when there is no such account."""
    row = conn.execute(select(StaffUser).where(StaffUser.id == staff_id)).first()
    return None if row is None else view(row)


def credentials(conn: Connection, email: str) -> tuple[StaffView, str] | None:
    """An account and its password hash, by e-mail address."""
    row = conn.execute(select(StaffUser).where(StaffUser.email == email.strip().lower())).first()
    return None if row is None else (view(row), row.password_hash)


def _target(conn: Connection, email: str) -> int:
    found = credentials(conn, email)
    if found is None:
        raise NoSuchStaff(email.strip().lower())
    return found[0].id


def end_sessions(conn: Connection, staff_id: int) -> int:
    """End every open session of an account at once; returns how many."""
    result = conn.execute(
        update(StaffSession)
        .where(StaffSession.staff_id == staff_id, StaffSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )
    return int(result.rowcount)


def disable(conn: Connection, *, email: str, actor: str) -> StaffView:
    """Disable an account and end its sessions, in one transaction."""
    staff_id = _target(conn, email)
    conn.execute(
        update(StaffUser)
        .where(StaffUser.id == staff_id, StaffUser.disabled_at.is_(None))
        .values(disabled_at=utcnow())
    )
    ended = end_sessions(conn, staff_id)
    detail = {"sessions_ended": ended}
    cursors.audit(
        conn, actor=actor, action="staff.disable", subject=f"staff:{staff_id}", detail=detail
    )
    return by_id(conn, staff_id)


def enable(conn: Connection, *, email: str, actor: str) -> StaffView:
    """Let a disabled account log in again (with its password as it was)."""
    staff_id = _target(conn, email)
    conn.execute(
        update(StaffUser)
        .where(StaffUser.id == staff_id, StaffUser.disabled_at.is_not(None))
        .values(disabled_at=None)
    )
    cursors.audit(conn, actor=actor, action="staff.enable", subject=f"staff:{staff_id}", detail={})
    return by_id(conn, staff_id)


def set_role_team(conn: Connection, *, email: str, role: str, team: str, actor: str) -> StaffView:
    """Give an account another role or team; audited with what it was and what it is now (the
    session layer loads the account on every request, so a new role applies at once)."""
    staff_id = _target(conn, email)
    was = by_id(conn, staff_id)
    if (was.role, was.team) == (role, team):
        return was
    conn.execute(update(StaffUser).where(StaffUser.id == staff_id).values(role=role, team=team))
    detail = {"role": [was.role, role], "team": [was.team, team]}
    cursors.audit(
        conn, actor=actor, action="staff.change", subject=f"staff:{staff_id}", detail=detail
    )
    return by_id(conn, staff_id)


def set_password(conn: Connection, *, email: str, password_hash: str, actor: str) -> StaffView:
    """Give an account a new password hash; its other sessions end."""
    staff_id = _target(conn, email)
    conn.execute(
        update(StaffUser).where(StaffUser.id == staff_id).values(password_hash=password_hash)
    )
    ended = end_sessions(conn, staff_id)
    detail = {"sessions_ended": ended}
    cursors.audit(
        conn, actor=actor, action="staff.password", subject=f"staff:{staff_id}", detail=detail
    )
    return by_id(conn, staff_id)


def rehash(conn: Connection, *, staff_id: int, password_hash: str) -> None:
    """Store a stronger hash of the same password (argon2 parameters were raised)."""
    conn.execute(
        update(StaffUser).where(StaffUser.id == staff_id).values(password_hash=password_hash)
    )


def link_slack(conn: Connection, *, email: str, slack_user_id: str, actor: str) -> StaffView:
    """Record the account's Slack user id (for the staff Slack bridge)."""
    staff_id = _target(conn, email)
    conn.execute(
        update(StaffUser).where(StaffUser.id == staff_id).values(slack_user_id=slack_user_id)
    )
    detail = {"slack_user_id": slack_user_id}
    cursors.audit(
        conn, actor=actor, action="staff.link_slack", subject=f"staff:{staff_id}", detail=detail
    )
    return by_id(conn, staff_id)


def set_languages(
    conn: Connection, *, email: str, languages: Sequence[str], actor: str
) -> StaffView:
    """Record the languages an account reads (ISO 639-1 codes; empty: none said)."""
    staff_id = _target(conn, email)
    joined = ",".join(languages)
    conn.execute(update(StaffUser).where(StaffUser.id == staff_id).values(languages=joined))
    detail = {"languages": joined}
    cursors.audit(
        conn, actor=actor, action="staff.languages", subject=f"staff:{staff_id}", detail=detail
    )
    return by_id(conn, staff_id)
