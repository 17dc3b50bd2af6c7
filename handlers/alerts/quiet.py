"""Quiet hours for alerts, pure: a daily span (like polls' FEEDBOT_POLL_QUIET_HOURS) or
"whenever the library is closed" (its opening hours); a non-urgent alert waits until they end."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from handlers.inbox.sla import is_open, next_opening
from handlers.polls.schedule import is_quiet, parse_quiet_hours

OPENING = "opening"


@dataclass(frozen=True)
class Quiet:
    """When non-urgent alerts wait: during ``daily`` (start, end), or outside ``opening`` (by
    weekday, Monday 0) when ``use_opening``; neither: never."""

    zone: ZoneInfo
    daily: tuple[time, time] | None = None
    use_opening: bool = False
    opening: dict[int, tuple[time, time]] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str, zone: ZoneInfo, opening: dict[int, tuple[time, time]]) -> Quiet:
        """'opening', 'HH:MM-HH:MM' or '' (none); ValueError names the problem."""
        if text.strip().lower() == OPENING:
            return cls(zone, use_opening=bool(opening), opening=opening)
        return cls(zone, daily=parse_quiet_hours(text))

    def send_after(self, now: datetime) -> datetime:
        """``now`` when it is not quiet, else when the quiet ends."""
        if self.use_opening:
            return self._next_opening(now)
        if not is_quiet(now, self.daily, self.zone) or self.daily is None:
            return now
        local = now.astimezone(self.zone)
        end = datetime.combine(local.date(), self.daily[1], tzinfo=self.zone)
        if end <= local:
            end = datetime.combine(
                local.date() + timedelta(days=1), self.daily[1], tzinfo=self.zone
            )
        return end.astimezone(now.tzinfo)

    def _next_opening(self, now: datetime) -> datetime:
        """``now`` while the library is open, else its next opening time."""
        if is_open(now, self.opening, self.zone):
            return now
        opens = next_opening(now, self.opening, self.zone)
        return now if opens is None else opens.astimezone(now.tzinfo)
