"""Managing staff accounts: list, add, change role, team and reading languages, disable, enable,
new password.

The same use cases serve the staff page in the browser (an admin, checked here) and the
command line (an operator at the server, who already holds the database). Teams are a known
list: the triage config's teams and its default team. Every change is audited by the store."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from handlers.inbox.roles import ROLES, Actor, require
from handlers.staff.passwords import Passwords
from models.language import parse_codes
from models.store import Store
from models.store.staff.facade import NoSuchStaff, StaffView

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
NAME_CHARS = 200
GENERATED_BYTES = 15  # 20 URL-safe characters: well over the 12-character rule


class AccountRefused(ValueError):
    """The change cannot be made as asked; the message says why, in one line."""


@dataclass(frozen=True, slots=True)
class Operator:
    """Someone at the server's command line (``cli:USER`` in the audit log)."""

    name: str


Who = Actor | Operator


@dataclass(frozen=True, slots=True)
class Profile:
    """What an admin sets on an account: its role, team and the languages they read (ISO 639-1
    codes; None: leave them as they are)."""

    role: str
    team: str = ""
    languages: tuple[str, ...] | None = None


@dataclass(frozen=True)
class NewPassword:
    """The account, and the password to hand over when it was generated (shown once)."""

    account: StaffView
    generated: str = ""


def audit_name(who: Who) -> str:
    """How the audit log names whoever made the change."""
    return who.name if isinstance(who, Operator) else f"staff:{who.id}"


@dataclass(frozen=True)
class StaffAccounts:
    """The staff-account use cases on the store; ``teams``: the known team names."""

    store: Store
    passwords: Passwords
    teams: tuple[str, ...]

    def profile(self, profile: Profile) -> Profile:
        """A checked role, team and languages."""
        if profile.role not in ROLES:
            raise AccountRefused(
                f"unknown role {profile.role!r}; the roles are: {', '.join(ROLES)}"
            )
        team = known_team(profile.team, self.teams)
        reads = None if profile.languages is None else languages(",".join(profile.languages))
        return Profile(role=profile.role, team=team, languages=reads)

    async def listing(self, who: Who) -> list[StaffView]:
        """Every account, for the staff page."""
        _may(who)
        return await self.store.staff.all()

    async def add(
        self, who: Who, *, email: str, name: str, profile: Profile, password: str = ""
    ) -> NewPassword:
        """A new account; with no password given, one is generated (to be shown once)."""
        _may(who)
        address, name = _email(email), " ".join(name.split())
        if not name or len(name) > NAME_CHARS:
            raise AccountRefused(f"give a name of 1 to {NAME_CHARS} characters")
        checked = self.profile(profile)
        generated = "" if password else secrets.token_urlsafe(GENERATED_BYTES)
        hashed = await self.passwords.hash(password or generated)
        account = await self.store.staff.add(
            email=address,
            name=name,
            role=checked.role,
            team=checked.team,
            password_hash=hashed,
            actor=audit_name(who),
            languages=checked.languages or (),
        )
        return NewPassword(account, generated)

    async def change(self, who: Who, staff_id: int, profile: Profile) -> StaffView:
        """Another role and team, and the reading languages when they change (each audited); an
        admin cannot take away their own admin role."""
        _may(who)
        target, checked = await self._account(staff_id), self.profile(profile)
        if _is_self(who, target) and checked.role != target.role:
            raise AccountRefused("you cannot change your own role; ask another admin")
        done = await self.store.staff.set_role_team(
            email=target.email, role=checked.role, team=checked.team, actor=audit_name(who)
        )
        if checked.languages is not None and checked.languages != target.languages:
            done = await self.store.staff.set_languages(
                email=target.email, languages=checked.languages, actor=audit_name(who)
            )
        return done

    async def disable(self, who: Who, staff_id: int) -> StaffView:
        """Lock an account out; its sessions end at once. Not one's own."""
        _may(who)
        target = await self._account(staff_id)
        if _is_self(who, target):
            raise AccountRefused("you cannot disable your own account; ask another admin")
        return await self.store.staff.disable(email=target.email, actor=audit_name(who))

    async def enable(self, who: Who, staff_id: int) -> StaffView:
        """Let a disabled account log in again."""
        _may(who)
        target = await self._account(staff_id)
        return await self.store.staff.enable(email=target.email, actor=audit_name(who))

    async def reset_password(self, who: Who, staff_id: int, password: str = "") -> NewPassword:
        """A new password (generated when none is given); the account's sessions end."""
        _may(who)
        target = await self._account(staff_id)
        generated = "" if password else secrets.token_urlsafe(GENERATED_BYTES)
        hashed = await self.passwords.hash(password or generated)
        account = await self.store.staff.set_password(
            email=target.email, password_hash=hashed, actor=audit_name(who)
        )
        return NewPassword(account, generated)

    async def _account(self, staff_id: int) -> StaffView:
        found = await self.store.staff.get(staff_id=staff_id)
        if found is None:
            raise NoSuchStaff(f"staff account {staff_id}")
        return found


def known_team(name: str, teams: tuple[str, ...]) -> str:
    """A known team ('' for none), else AccountRefused naming the known teams."""
    name = name.strip()
    if name and name not in teams:
        raise AccountRefused(f"unknown team {name!r}; the teams are: {', '.join(teams)}")
    return name


def languages(text: str) -> tuple[str, ...]:
    """ "en, cy" -> ('en', 'cy'); AccountRefused naming an entry that is not a language code."""
    try:
        return parse_codes(text)
    except ValueError as exc:
        raise AccountRefused(str(exc)) from None


def _may(who: Who) -> None:
    """Only admins manage staff (an operator at the command line holds the server)."""
    if isinstance(who, Actor):
        require(who, "staff")


def _is_self(who: Who, target: StaffView) -> bool:
    return isinstance(who, Actor) and who.id == target.id


def _email(value: str) -> str:
    address = value.strip().lower()
    if not EMAIL.match(address) or len(address) > 254:
        raise AccountRefused(f"{value.strip()!r} is not an e-mail address")
    return address
