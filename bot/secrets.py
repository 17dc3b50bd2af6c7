"""The pseudonymisation key: from the setting, or generated once and kept under the state folder."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from config.settings import Settings

log = logging.getLogger(__name__)


def pseudonym_key(settings: Settings) -> bytes:
    """FEEDBOT_PSEUDONYM_KEY if set; else a random key stored in ``state_dir/pseudonym.key``."""
    configured = settings.pseudonym_key.get_secret_value()
    if configured:
        return configured.encode()
    path = settings.state_dir / "pseudonym.key"
    if not path.exists():
        _create(path)
        log.warning(
            "generated %s; set FEEDBOT_PSEUDONYM_KEY when several processes share a database", path
        )
    return path.read_bytes().strip()


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
