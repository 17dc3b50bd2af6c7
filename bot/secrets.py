"""Keys the bot needs: from a setting, or generated once and kept under the state folder."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from config.settings import Settings

log = logging.getLogger(__name__)


def pseudonym_key(settings: Settings) -> bytes:
    """FEEDBOT_PSEUDONYM_KEY if set; else a random key stored in ``state_dir/pseudonym.key``."""
    return _kept(settings, settings.pseudonym_key.get_secret_value(), "pseudonym")


def session_secret(settings: Settings) -> bytes:
    """FEEDBOT_SESSION_SECRET if set (signs staff session and CSRF cookies); else a random
    key stored in ``state_dir/session.key``."""
    return _kept(settings, settings.session_secret.get_secret_value(), "session")


def _kept(settings: Settings, configured: str, name: str) -> bytes:
    if configured:
        return configured.encode()
    path = settings.state_dir / f"{name}.key"
    if not path.exists():
        _create(path)
        log.warning(
            "generated %s; set FEEDBOT_%s_%s when several processes share a database",
            path,
            name.upper(),
            "KEY" if name == "pseudonym" else "SECRET",
        )
    return path.read_bytes().strip()


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
