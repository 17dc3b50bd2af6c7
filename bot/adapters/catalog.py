"""Every channel this bot knows: one line each. A new channel is a folder under
``bot/adapters/`` whose package exports a ``ChannelKind`` (its name, capabilities and how it
connects from the settings) and one line in ``CHANNELS`` below."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from bot.adapters import slack, telegram, widget, x
from bot.adapters.base import ChannelKind
from bot.channel import Capabilities
from bot.events import Channel

CHANNELS: tuple[ChannelKind, ...] = (
    widget.CHANNEL,
    slack.CHANNEL,
    telegram.CHANNEL,
    x.CHANNEL,
)


CAPABILITIES: Mapping[Channel, Capabilities] = MappingProxyType(
    {kind.channel: kind.capabilities for kind in CHANNELS}
)
"""What each known channel can do, whether or not it is connected in this process: what
``poll create`` checks against and what polls are posted for."""
