"""Telegram channel: python-telegram-bot 22 against the Bot API (or a fake of it)."""

from __future__ import annotations

from collections.abc import Mapping

from bot.adapters.base import ChannelKind, Setup
from bot.adapters.telegram.adapter import SEND_TIMEOUT_S, TelegramAdapter
from bot.adapters.telegram.outbound import CAPABILITIES
from bot.adapters.telegram.translate import to_event
from bot.channel import Cursors
from bot.events import Channel
from config.settings import Settings
from config.wording import Wording

__all__ = ["CAPABILITIES", "CHANNEL", "TelegramAdapter", "from_settings", "to_event", "toasts"]


def from_settings(
    settings: Settings,
    cursors: Cursors,
    *,
    send_timeout_s: float = SEND_TIMEOUT_S,
    toasts: Mapping[str, str] | None = None,
) -> TelegramAdapter | None:
    """The adapter when FEEDBOT_TELEGRAM_TOKEN is set; webhook mode when its secret is set."""
    if settings.telegram_token is None or not settings.telegram_token.get_secret_value():
        return None
    secret = settings.telegram_webhook_secret
    public = settings.public_url.rstrip("/")
    return TelegramAdapter(
        token=settings.telegram_token.get_secret_value(),
        api_url=settings.telegram_api_url,
        cursors=cursors,
        webhook_secret=secret.get_secret_value() if secret else None,
        webhook_url=f"{public}/telegram/webhook" if public and secret else "",
        send_timeout_s=send_timeout_s,
        toasts=toasts,
    )


def toasts(wording: Wording) -> dict[str, str]:
    """What a tap on a poll button shows its tapper, in every language the bot speaks."""
    return {code: wording.text("polls.tapped", code) for code in wording.languages}


def _connect(setup: Setup) -> TelegramAdapter | None:
    return from_settings(setup.settings, setup.cursors, toasts=toasts(setup.wording))


CHANNEL = ChannelKind(Channel.TELEGRAM, CAPABILITIES, _connect)
