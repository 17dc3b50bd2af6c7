"""The one short name staff see for a person: from the person (their first contact's
pseudonym), the same in the queue, on an item, in the digest, in exports and in the audit."""

from __future__ import annotations

import re

LENGTH = 8
ERASED = "erased:"  # how an erased contact's pseudonym starts (rights/registry.py TAG)
_HEX = re.compile(r"^[0-9a-f]{4,40}$")


def short_name(pseudonym: str) -> str:
    """The person's short pseudonym (8 hex characters, upper case); '' when none is known or
    the person was erased."""
    return "" if pseudonym.startswith(ERASED) else pseudonym[:LENGTH].upper()


def label(pseudonym: str) -> str:
    """How lists and cards name a person: 'Person 0B3A91C2' ('Someone' when none is known)."""
    return f"Person {short_name(pseudonym)}" if pseudonym else "Someone"


def pseudonym_prefix(given: str) -> str | None:
    """A short or full pseudonym as typed ('Person 0B3A91C2', '0b3a91c2', 40 characters) →
    the lower-case hex to look up; None when it is not one."""
    value = given.strip().lower().removeprefix("person").strip().replace("-", "")
    return value if _HEX.match(value) else None
