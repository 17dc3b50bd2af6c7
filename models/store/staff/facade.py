"""``store.staff``: staff accounts and their sessions, keyword-only, on the store's runners."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from models.store.runner import Runner
from models.store.staff import accounts, sessions
from models.store.staff import login_attempts as attempts
from models.store.staff.accounts import NoSuchStaff, StaffExists, StaffView
from models.store.staff.login_attempts import Admit, Attempt, Claim

TOUCH_EVERY = timedelta(minutes=1)  # how often a session's last use is written

__all__ = ["NoSuchStaff", "StaffExists", "StaffStore", "StaffView"]


class StaffStore:
    """Staff accounts, sessions, failed logins; every change audited in its own transaction."""

    def __init__(self, runner: Runner, *, durable: Runner) -> None:
        self._db = runner  # reads, and touching a session (harmless if a crash loses it)
        self._durable = durable  # account changes, logins, failures: kept before we answer

    async def add(
        self,
        *,
        email: str,
        name: str,
        role: str,
        team: str,
        password_hash: str,
        actor: str,
        languages: Sequence[str] = (),
    ) -> StaffView:
        """Create an account (StaffExists if the e-mail address is taken)."""
        return await self._durable.write(
            accounts.add,
            email=email,
            name=name,
            role=role,
            team=team,
            password_hash=password_hash,
            actor=actor,
            languages=languages,
        )

    async def set_languages(self, *, email: str, languages: Sequence[str], actor: str) -> StaffView:
        """Record the languages an account reads (ISO 639-1 codes, already checked)."""
        return await self._durable.write(
            accounts.set_languages, email=email, languages=languages, actor=actor
        )

    async def all(self) -> list[StaffView]:
        """Every account."""
        return await self._db.read(accounts.all_staff)

    async def get(self, *, staff_id: int) -> StaffView | None:
        """One account by id, or None."""
        return await self._db.read(accounts.found, staff_id)

    async def credentials(self, *, email: str) -> tuple[StaffView, str] | None:
        """An account and its password hash (for login), if the address is known."""
        return await self._db.read(accounts.credentials, email)

    async def disable(self, *, email: str, actor: str) -> StaffView:
        """Disable an account; its sessions end at once."""
        return await self._durable.write(accounts.disable, email=email, actor=actor)

    async def enable(self, *, email: str, actor: str) -> StaffView:
        """Let a disabled account log in again."""
        return await self._durable.write(accounts.enable, email=email, actor=actor)

    async def set_role_team(self, *, email: str, role: str, team: str, actor: str) -> StaffView:
        """Another role or team for an account."""
        return await self._durable.write(
            accounts.set_role_team, email=email, role=role, team=team, actor=actor
        )

    async def set_password(self, *, email: str, password_hash: str, actor: str) -> StaffView:
        """A new password; the account's sessions end."""
        return await self._durable.write(
            accounts.set_password, email=email, password_hash=password_hash, actor=actor
        )

    async def rehash(self, *, staff_id: int, password_hash: str) -> None:
        """Replace a hash made with weaker parameters."""
        await self._durable.write(accounts.rehash, staff_id=staff_id, password_hash=password_hash)

    async def link_slack(self, *, email: str, slack_user_id: str, actor: str) -> StaffView:
        """Record the account's Slack user id."""
        return await self._durable.write(
            accounts.link_slack, email=email, slack_user_id=slack_user_id, actor=actor
        )

    async def start_session(
        self, *, staff_id: int, token_hash: str, now: datetime, ip: str
    ) -> None:
        """Store a new session (audited as a login)."""
        await self._durable.write(
            sessions.start, staff_id=staff_id, token_hash=token_hash, now=now, ip=ip
        )

    async def resume_session(
        self, *, token_hash: str, now: datetime, idle: timedelta, lifetime: timedelta
    ) -> StaffView | None:
        """The account behind a live session, else None (an idle or old session ends).
        A plain read on most requests: last use is written at most once a minute."""
        found = await self._db.read(sessions.lookup, token_hash=token_hash)
        if found is None or found.staff.disabled:
            return None
        expired = now - found.last_seen_at > idle or now - found.created_at > lifetime
        if expired or now - found.last_seen_at > TOUCH_EVERY:
            await self._db.write(sessions.touch, session_id=found.id, now=now, ended=expired)
        return None if expired else found.staff

    async def end_session(self, *, token_hash: str, now: datetime) -> None:
        """Log out one session."""
        await self._durable.write(sessions.end, token_hash=token_hash, now=now)

    async def claim_login(self, *, ask: Claim, admit: Admit) -> Attempt | None:
        """Admit a login attempt, counted as a failure until it succeeds; None when refused
        (audited, not counted). Atomic across processes (see ``login_attempts``)."""
        return await self._durable.write(attempts.claim, ask, admit)

    async def login_failed(self, *, attempt: int, email: str, ip: str, reason: str) -> None:
        """Audit an admitted attempt whose password was wrong (it stays counted)."""
        await self._durable.write(
            attempts.failed, attempt=attempt, email=email, ip=ip, reason=reason
        )

    async def login_succeeded(self, *, attempt: Attempt) -> None:
        """Forget an attempt that succeeded (and its known device's earlier failures)."""
        await self._durable.write(attempts.succeeded, attempt=attempt)

    async def queue_seen_at(self, *, staff_id: int) -> datetime | None:
        """When this person last marked the queue as seen."""
        return await self._db.read(sessions.seen_at, staff_id=staff_id)

    async def mark_queue_seen(self, *, staff_id: int, now: datetime) -> None:
        """Mark the queue as seen now."""
        await self._durable.write(sessions.mark_seen, staff_id=staff_id, now=now)
