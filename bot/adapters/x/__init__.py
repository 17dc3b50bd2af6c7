"""X (Twitter) channel: tweepy AsyncClient polling, replies and DMs, optional webhook mode."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.adapters.base import ChannelKind, Setup
from bot.adapters.x.adapter import XAdapter, XKeys
from bot.adapters.x.send import CAPABILITIES
from bot.adapters.x.translate import to_event, webhook_events
from bot.channel import Cursors
from bot.events import Channel

if TYPE_CHECKING:
    from config.settings import Settings

__all__ = [
    "CAPABILITIES",
    "CHANNEL",
    "XAdapter",
    "XKeys",
    "from_settings",
    "to_event",
    "webhook_events",
]


def keys_from(settings: Settings) -> XKeys | None:
    """The four OAuth 1.0a keys, or None unless all of them are set."""
    values = [
        settings.x_consumer_key,
        settings.x_consumer_secret,
        settings.x_access_token,
        settings.x_access_token_secret,
    ]
    secrets = [v.get_secret_value() if v is not None else "" for v in values]
    if not all(secrets):
        return None
    return XKeys(*secrets)


def from_settings(settings: Settings, cursors: Cursors) -> XAdapter | None:
    """The X adapter configured from FEEDBOT_X_*; None when the credentials are not all set."""
    keys = keys_from(settings)
    if keys is None:
        return None
    return XAdapter(
        keys,
        cursors,
        api_url=settings.x_api_url,
        poll_interval_s=settings.x_poll_interval_s,
        webhook_mode=settings.x_webhook_enabled,
    )


def _connect(setup: Setup) -> XAdapter | None:
    return from_settings(setup.settings, setup.cursors)


CHANNEL = ChannelKind(Channel.X, CAPABILITIES, _connect)
