"""A send as a lead asks for it, checked: what to send and to whom. Pure."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from bot.events import utcnow


class SendRefused(ValueError):
    """The send cannot be made as given; the message says why (one line)."""


@dataclass(frozen=True)
class SendSpec:
    """What to send (a poll or a text) and the audience (see models/store/reach/segment.py)."""

    poll_id: int | None = None
    text: str = ""
    groups: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    panel: bool = False
    silent_since: datetime | None = None
    raised_since: datetime | None = None
    sample: float = 1.0
    seed: int | None = None
    only: tuple[int, ...] | None = None
    """Only these contacts (re-engagement: those who said yes); never stored or shown."""
    not_asked: tuple[str, datetime] | None = None
    """Left out when reached out to with this kind of message since then."""
    even_in_quiet: bool = False
    """Send even in a quiet period of the academic calendar (otherwise it waits it out)."""

    def audience(self) -> dict[str, object]:
        """The audience as stored with the send and audited (no personal data)."""
        shown: dict[str, object] = {
            "groups": list(self.groups),
            "channels": list(self.channels),
            "topics": list(self.topics),
            "themes": list(self.themes),
            "panel": self.panel,
            "sample": self.sample,
        }
        if self.only is not None:
            shown["chosen_people"] = len(self.only)
        for name, when in (("silent_since", self.silent_since), ("since", self.raised_since)):
            if when is not None:
                shown[name] = when.isoformat()
        return shown


@dataclass(frozen=True)
class Known:
    """The names a send may use: customer groups, channels and topics from config."""

    groups: frozenset[str]
    channels: frozenset[str]
    topics: frozenset[str]
    labels: Mapping[str, str] = field(default_factory=dict)
    """Each group's configured label (``CustomerGroups.label``), as pages show it."""

    def label(self, group: str) -> str:
        """How a page names a group: its configured label, else its name in words."""
        return self.labels.get(group) or group.replace("_", " ")


def check(spec: SendSpec, known: Known, *, max_text: int = 4000) -> None:
    """Refuse a send that names nothing to send, both, an unknown group, channel or topic, a
    sample outside (0, 1] or a date in the future."""
    if (spec.poll_id is None) == (not spec.text.strip()):
        raise SendRefused("give either --poll ID or --text TEXT")
    if len(spec.text) > max_text:
        raise SendRefused(f"--text is longer than {max_text} characters")
    _known("group", spec.groups, known.groups)
    _known("channel", spec.channels, known.channels)
    _known("topic", spec.topics, known.topics)
    if not 0.0 < spec.sample <= 1.0:
        raise SendRefused("--sample must be a share above 0 and at most 1 (e.g. 0.25)")
    for name, when in (("--silent-since", spec.silent_since), ("--since", spec.raised_since)):
        if when is not None and when > utcnow():
            raise SendRefused(f"{name} is in the future")


def _known(what: str, given: Collection[str], names: frozenset[str]) -> None:
    unknown = sorted(set(given) - names)
    if unknown:
        known = ", ".join(sorted(names)) or "none configured"
        raise SendRefused(f"unknown {what} {unknown[0]!r}; known: {known}")
