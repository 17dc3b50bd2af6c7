"""Handles as people give them (``@Alice``, ``U0123``, ``a.b@uni.ac.uk``), written one way
and hashed with the pseudonym key, so that a raw identifier is never stored."""

from __future__ import annotations

import hashlib
import hmac

CASELESS = ("telegram", "x")
"""Channels whose @usernames are the same whatever their case."""


def normal_handle(channel: str, handle: str) -> str:
    """One spelling per handle: no leading @ on usernames, lower case where case is not kept
    (usernames, e-mail addresses); a platform user id as given."""
    value = handle.strip()
    if "@" in value.lstrip("@"):  # an e-mail address
        return value.lower()
    if channel in CASELESS:
        return value.removeprefix("@").lower()
    return value


def handle_hash(key: bytes, channel: str, handle: str) -> str:
    """Keyed hash of a handle on a channel (40 hex characters); '' for an empty handle."""
    value = normal_handle(channel, handle)
    if not value:
        return ""
    message = f"handle:{channel}:{value}".encode("utf-8", "surrogatepass")
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:40]
