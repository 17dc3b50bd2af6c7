"""Building the Slack adapter from FEEDBOT_SLACK_* settings."""

from __future__ import annotations

from pydantic import SecretStr

from bot.adapters.slack.adapter import SlackAdapter
from bot.channel import Cursors
from config.settings import Settings, SettingsError


def from_settings(settings: Settings, cursors: Cursors) -> SlackAdapter | None:
    """The adapter when FEEDBOT_SLACK_BOT_TOKEN is set (Slack keeps no cursors: it pushes)."""
    del cursors
    token, secret, app_token = (
        _value(settings.slack_bot_token),
        _value(settings.slack_signing_secret),
        _value(settings.slack_app_token),
    )
    if not token:
        return None
    if not (secret or app_token):
        raise SettingsError(
            "FEEDBOT_SLACK_SIGNING_SECRET: required for HTTP mode (or set FEEDBOT_SLACK_APP_TOKEN)"
        )
    return SlackAdapter(
        bot_token=token, signing_secret=secret, app_token=app_token, api_url=settings.slack_api_url
    )


def _value(secret: SecretStr | None) -> str:
    """The secret's text, "" when unset."""
    return secret.get_secret_value().strip() if secret is not None else ""
