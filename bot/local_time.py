"""Times as staff read them: in the library's time zone (``FEEDBOT_TIMEZONE``), with the zone
named, e.g. "Mon 7 Dec 2026, 09:14 GMT" (or BST in summer). The one helper every staff page, Slack
staff message, alert and human-readable CLI line uses; JSON keeps ISO 8601 UTC."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

UTC_ZONE = ZoneInfo("UTC")


def zone_name(local: datetime) -> str:
    """The zone's short name at that moment: 'GMT', 'BST', 'CET'; zones with no name in the
    tz database ('+03') are written as an offset from UTC ('UTC+03')."""
    name = local.tzname() or "UTC"
    return f"UTC{name}" if name[:1] in "+-" else name


def staff_time(at: datetime, zone: ZoneInfo, *, seconds: bool = False) -> str:
    """'Mon 7 Dec 2026, 09:14 GMT' (with ':05' seconds when asked) in ``zone``."""
    local = at.astimezone(zone)
    clock = f"{local:%H:%M:%S}" if seconds else f"{local:%H:%M}"
    return f"{local:%a} {local.day} {local:%b %Y}, {clock} {zone_name(local)}"


@dataclass(frozen=True, slots=True)
class LocalTime:
    """``staff_time`` bound to the library's zone, for templates and renderers."""

    zone: ZoneInfo = UTC_ZONE

    def __call__(self, at: datetime, *, seconds: bool = False) -> str:
        """The time as staff read it."""
        return staff_time(at, self.zone, seconds=seconds)
