"""Every channel this bot knows and what each can do (a new channel adds its line here)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from bot.adapters import slack, telegram, widget, x
from bot.channel import Capabilities
from bot.events import Channel

CAPABILITIES: Mapping[str, Capabilities] = MappingProxyType(
    {
        Channel.WIDGET.value: widget.CAPABILITIES,
        Channel.SLACK.value: slack.CAPABILITIES,
        Channel.TELEGRAM.value: telegram.CAPABILITIES,
        Channel.X.value: x.CAPABILITIES,
    }
)
"""By channel name: what ``poll create`` checks against and what polls are posted for, whether
or not the channel is connected in this process."""
