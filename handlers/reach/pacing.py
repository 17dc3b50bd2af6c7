"""When each message of a big send may go: after quiet hours, and no faster than its platform
allows (``Capabilities.send_rate``), so the outbox meets no burst of 429s. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.channel import Capabilities, capabilities_of
from bot.events import Channel
from handlers.polls.schedule import is_quiet


def quiet_until(now: datetime, hours: tuple[time, time] | None, zone: ZoneInfo) -> datetime:
    """``now``, or the end of the quiet hours ``now`` falls in (as UTC)."""
    if hours is None or not is_quiet(now, hours, zone):
        return now
    local = now.astimezone(zone)
    end = datetime.combine(local.date(), hours[1], tzinfo=zone)
    if end <= local:
        end = datetime.combine(local.date() + timedelta(days=1), hours[1], tzinfo=zone)
    return end.astimezone(now.tzinfo)


def due_times(
    channels: Sequence[str], start: datetime, caps: Mapping[Channel, Capabilities]
) -> list[datetime]:
    """For messages on these channels in order: the earliest each may go, the n-th on a
    channel n / rate seconds after ``start`` (all at ``start`` where the rate is unlimited)."""
    seen: dict[str, int] = {}
    due: list[datetime] = []
    for channel in channels:
        n = seen.get(channel, 0)
        seen[channel] = n + 1
        known = capabilities_of(caps, channel)
        rate = known.send_rate if known is not None else 0.0
        due.append(start + timedelta(seconds=n / rate) if rate > 0 else start)
    return due
