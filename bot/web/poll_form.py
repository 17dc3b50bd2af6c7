"""The poll page's form: fields → the use case's Draft, and what to show again when it is
refused (each field's value and the error next to it). The rules are the use case's."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.channel import Capabilities, capabilities_of
from bot.events import Channel
from handlers.polls.drafting import Draft, spec_of
from handlers.polls.kinds import KINDS
from handlers.polls.service import PollRefused
from models.store.polls.definitions import Target

Form = Mapping[str, list[str]]
MAX_QUESTION = 500
MAX_TEXT = 1000
KIND_NAMES = {
    "csat": "Satisfaction, 1 to 5 (CSAT)",
    "nps": "Would recommend, 0 to 10 (NPS)",
    "yes_no": "Yes or no",
    "single": "One of several choices",
    "multi": "Any of several choices",
}
FIELDS = ("question", "kind", "options", "to", "follow_up", "opens_at", "closes_at")
FORM_WORDS = (
    (" (add --to widget, --to slack:CHANNEL_ID, ...)", ": tick at least one"),
    ("--closes-at", "the closing time"),
    ("--opens-at", "the opening time"),
    ("a repeating poll needs the closing time", "a repeating poll needs a closing time"),
)


@dataclass(frozen=True)
class Channels:
    """The channels a poll can go to here, and which of them need a chat or channel id."""

    ready: tuple[str, ...]
    needs_chat: frozenset[str]

    @classmethod
    def of(cls, ready: frozenset[str], caps: Mapping[Channel, Capabilities]) -> Channels:
        """From the configured channels and their capabilities."""
        known = [c for c in sorted(ready) if capabilities_of(caps, c) is not None]
        chat = {c for c in known if not getattr(capabilities_of(caps, c), "public_feed", True)}
        return cls(tuple(known), frozenset(chat))


@dataclass
class Filled:
    """The form as the lead filled it in (shown again when refused) and its errors by field."""

    question: str = ""
    kind: str = "csat"
    options: str = ""
    to: list[str] = field(default_factory=list)
    chats: dict[str, str] = field(default_factory=dict)
    follow_up: str = ""
    anonymous: bool = False
    post_results: bool = False
    even_in_quiet: bool = False
    opens_at: str = ""
    closes_at: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    def refuse(self, exc: PollRefused) -> None:
        """Show a refusal next to its field (the question's, when it names none), in the
        form's words rather than the command line's."""
        said = str(exc)
        for flag, words in FORM_WORDS:
            said = said.replace(flag, words)
        self.errors[exc.field if exc.field in FIELDS else "question"] = said


def filled(form: Form, channels: Channels) -> Filled:
    """The form's values, trimmed to their limits (nothing refused yet)."""

    def one(name: str, limit: int = MAX_TEXT) -> str:
        return form.get(name, [""])[0].strip()[:limit]

    return Filled(
        question=one("question", MAX_QUESTION),
        kind=one("kind") or "csat",
        options=one("options", 10 * 200),
        to=[c for c in form.get("to", []) if c in channels.ready],
        chats={c: one(f"chat_{c}", 255) for c in channels.needs_chat},
        follow_up=one("follow_up"),
        anonymous=one("anonymous") == "1",
        post_results=one("post_results") == "1",
        even_in_quiet=one("even_in_quiet") == "1",
        opens_at=one("opens_at", 32),
        closes_at=one("closes_at", 32),
    )


def draft_of(values: Filled, zone: ZoneInfo) -> Draft:
    """The use case's Draft, or PollRefused naming the field the form got wrong."""
    if values.kind not in KINDS:
        raise PollRefused(f"choose one of the kinds ({', '.join(KINDS)})", "kind")
    labels = [line.strip() for line in values.options.splitlines() if line.strip()]
    spec = spec_of(
        question=values.question,
        kind=values.kind,
        labels=labels if values.kind in ("single", "multi") else [],
        targets=[Target(c, values.chats.get(c, "")) for c in values.to],
        follow_up=values.follow_up,
        anonymous=values.anonymous,
        post_results=values.post_results,
    )
    opens = local_time(values.opens_at, zone, "opens_at")
    closes = local_time(values.closes_at, zone, "closes_at")
    return Draft(spec, opens, closes, values.even_in_quiet)


def local_time(text: str, zone: ZoneInfo, name: str) -> datetime | None:
    """A ``datetime-local`` value (the library's time) in UTC; None when empty."""
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text)
        return (when if when.tzinfo else when.replace(tzinfo=zone)).astimezone(UTC)
    except (ValueError, OverflowError):
        raise PollRefused("write a date and time such as 2027-02-01T09:00", name) from None
