"""Slack channel: bolt AsyncApp in Socket Mode or HTTP mode; pure translation alongside.

Slack app set-up: bot scopes ``app_mentions:read``, ``chat:write``, ``im:history``, ``im:write``,
``channels:history``, ``groups:history``, ``mpim:history`` (and for the staff channel
``users:read``, ``users:read.email``); bot events ``app_mention``,
``message.im``, ``message.channels``, ``message.groups``, ``message.mpim``; Interactivity on.
Socket Mode needs an app-level token with ``connections:write`` (FEEDBOT_SLACK_APP_TOKEN);
HTTP mode needs the signing secret and the request URL ``https://<host>/slack/events``.
"""

from __future__ import annotations

from bot.adapters.base import ChannelKind, Setup
from bot.adapters.slack.adapter import SlackAdapter
from bot.adapters.slack.inbound import to_event
from bot.adapters.slack.outbound import CAPABILITIES
from bot.adapters.slack.settings import from_settings
from bot.events import Channel

__all__ = ["CAPABILITIES", "CHANNEL", "SlackAdapter", "from_settings", "to_event"]


def _connect(setup: Setup) -> SlackAdapter | None:
    return from_settings(setup.settings, setup.cursors)


CHANNEL = ChannelKind(Channel.SLACK, CAPABILITIES, _connect)
