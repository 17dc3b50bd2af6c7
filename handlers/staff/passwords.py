"""Password hashing with argon2 (argon2-cffi), off the event loop, and the password rule."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 1024


class WeakPassword(ValueError):
    """The password breaks the rule; the message says how."""


def check_rule(password: str) -> str:
    """The password if it is long enough (and not absurdly long), else WeakPassword."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"a password may have at most {MAX_LENGTH} characters")
    return password


@dataclass(frozen=True)
class Passwords:
    """Hash and verify in a worker thread: argon2 is deliberately slow."""

    hasher: PasswordHasher = field(default_factory=PasswordHasher)

    async def hash(self, password: str) -> str:
        """An argon2id hash of a password that passes the rule."""
        return await asyncio.to_thread(self.hasher.hash, check_rule(password))

    async def rehash(self, password: str) -> str:
        """A new hash of a password that already verified (the rule may be newer than it)."""
        return await asyncio.to_thread(self.hasher.hash, password)

    async def verify(self, stored: str, password: str) -> bool:
        """True when the password matches the stored hash (an empty hash never matches)."""
        return await asyncio.to_thread(self._verify, stored, password)

    def needs_rehash(self, stored: str) -> bool:
        """True when the hash was made with weaker parameters than today's."""
        return self.hasher.check_needs_rehash(stored)

    @cached_property
    def _dummy(self) -> str:
        """Checked for unknown accounts, so they take as long as known ones."""
        return self.hasher.hash("an unknown account still costs one hash to check")

    def _verify(self, stored: str, password: str) -> bool:
        try:
            return bool(self.hasher.verify(stored or self._dummy, password[:MAX_LENGTH])) and bool(
                stored
            )
        except (VerificationError, InvalidHashError):
            return False
