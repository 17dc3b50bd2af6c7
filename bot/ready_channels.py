"""Which channels this installation can post to (the widget, and those with credentials), and
the setting each of the others needs."""

from __future__ import annotations

from typing import Any

from bot.adapters import x
from config.settings import Settings

CHANNEL_SETTINGS = {
    "slack": "FEEDBOT_SLACK_BOT_TOKEN",
    "telegram": "FEEDBOT_TELEGRAM_TOKEN",
    "x": "the four FEEDBOT_X_* keys",
}


def configured_channels(settings: Settings) -> set[str]:
    """The channels this installation can post to: the widget, and those with credentials."""
    present = {
        "slack": _set(settings.slack_bot_token),
        "telegram": _set(settings.telegram_token),
        "x": x.keys_from(settings) is not None,
    }
    return {"widget"} | {name for name, ok in present.items() if ok}


def _set(secret: Any) -> bool:
    """Whether an optional secret setting has a value."""
    return secret is not None and bool(secret.get_secret_value().strip())
