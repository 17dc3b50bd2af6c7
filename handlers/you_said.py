""" "You said, we did": recording what the library did about a topic, and telling the people who
raised it, once each, where they wrote (one public post where replying to each would be spam)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.channel import Capabilities, capabilities_of
from bot.events import Address, Channel, ConversationKind, OutboundMessage, utcnow
from config.wording import ENGLISH, Speech, Wording
from handlers.inbox.roles import Actor, require
from handlers.speaking import Fixed, Languages
from models.store import Store
from models.store.digest.action_notices import Notice, Raiser
from models.store.digest.actions import ActionView

DEFAULT_WINDOW = timedelta(weeks=8)


class ActionRefused(ValueError):
    """The action cannot be recorded as given; the message says why."""


@dataclass(frozen=True)
class ActionSpec:
    """An action as a lead words it."""

    topic: str
    said: str
    did: str = ""
    cannot: str = ""
    why: str = ""
    since: datetime | None = None


def check(spec: ActionSpec, topics: frozenset[str]) -> None:
    """Refuse an action that says neither or both, lacks a reason, or names no known topic."""
    if not spec.said.strip():
        raise ActionRefused("--said must say what people told us")
    if bool(spec.did.strip()) == bool(spec.cannot.strip()):
        raise ActionRefused("give either --did or --cannot (with --why)")
    if bool(spec.cannot.strip()) != bool(spec.why.strip()):
        raise ActionRefused("--cannot needs --why, and --why goes with --cannot")
    if topics and spec.topic not in topics:
        raise ActionRefused(f"unknown topic {spec.topic!r}; known: {', '.join(sorted(topics))}")


def notice_text(action: ActionView, say: Speech, page: str = "") -> str:
    """What the people who raised the topic are told, in the language of ``say``."""
    key = "you_said.notice_did" if action.outcome == "did" else "you_said.notice_cannot"
    body = say.text(key, said=action.said, did=action.did, why=action.why)
    return f"{body}\n{page}" if page else body


def plan(
    action: ActionView,
    raisers: list[Raiser],
    caps: Mapping[Channel, Capabilities],
    text: Callable[[list[Raiser]], str],
) -> list[Notice]:
    """One message per conversation; public writers on a broadcasting channel share one post.
    ``text`` words the notice for the people it goes to."""
    groups: dict[tuple[str, str, str], list[Raiser]] = {}
    for r in raisers:
        cap = capabilities_of(caps, r.channel)
        if cap is None:
            continue
        public = r.kind == ConversationKind.PUBLIC.value and cap.public_broadcast
        key = (r.channel, "", "*public*") if public else (r.channel, r.chat, r.thread)
        groups.setdefault(key, []).append(r)
    return [_notice(key, group, text) for key, group in groups.items()]


def _notice(
    key: tuple[str, str, str], group: list[Raiser], text: Callable[[list[Raiser]], str]
) -> Notice:
    channel, chat, thread = key
    if thread == "*public*":
        address = Address(Channel(channel), chat="", kind=ConversationKind.PUBLIC)
    else:
        first = group[0]
        address = Address(Channel(channel), chat, thread, ConversationKind(first.kind), first.extra)
    recipients = tuple(f"contact:{r.contact_id}" for r in group)
    return Notice(recipients, channel, OutboundMessage(address=address, text=text(group)))


async def notify(
    store: Store,
    action: ActionView,
    caps: Mapping[Channel, Capabilities],
    *,
    wording: Wording,
    languages: Languages | None = None,
    page: str = "",
    since: datetime,
    now: datetime | None = None,
) -> dict[str, int]:
    """Queue the notices of an action for everyone not told yet, each in the language
    remembered for its people (English where they differ); returns people told per channel."""
    found = await store.actions.raisers(topic=action.topic, since=since, until=now or utcnow())
    ids = sorted({r.contact_id for r in found})
    spoken = await (languages or Fixed()).of_contacts(ids)

    def text(group: list[Raiser]) -> str:
        said = {spoken.get(r.contact_id, ENGLISH) for r in group}
        language = said.pop() if len(said) == 1 else ENGLISH
        return notice_text(action, wording.speaking(language), page)

    notices = plan(action, found, caps, text)
    return await store.actions.notify(action_id=action.id, notices=notices)


def window_start(day: date | None, zone: ZoneInfo, now: datetime | None = None) -> datetime:
    """Midnight at the start of ``day`` in the library's zone (as UTC), or 8 weeks ago."""
    if day is None:
        return (now or datetime.now(UTC)) - DEFAULT_WINDOW
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


@dataclass(frozen=True)
class Recorded:
    """The action's id and the people told now, per channel (empty without notify)."""

    action_id: int
    told: dict[str, int]


class YouSaid:
    """Recording an action, from the CLI (no actor) or the inbox (a lead or admin), and
    telling the people who raised its topic: one use case for both."""

    def __init__(
        self,
        store: Store,
        capabilities: Mapping[Channel, Capabilities],
        *,
        wording: Wording,
        languages: Languages | None = None,
        zone: ZoneInfo,
        topics: frozenset[str],
        public_url: str = "",
        wake: Callable[[], None] = lambda: None,
    ) -> None:
        self._store = store
        self._caps = capabilities
        self._wording = wording
        self._languages = languages
        self.zone = zone
        self.topics = topics
        self._page = f"{public_url.rstrip('/')}/widget/you-said-we-did" if public_url else ""
        self._wake = wake

    async def record(
        self, spec: ActionSpec, *, by: Actor | None, notify: bool, day: date | None = None
    ) -> Recorded:
        """Check, store (audited, once per wording) and, with ``notify``, queue the notices."""
        if by is not None:
            require(by, "record_action")
        check(spec, self.topics)
        since = window_start(day, self.zone)
        outcome, text = ("did", spec.did) if spec.did.strip() else ("cannot", spec.cannot)
        action_id = await self._store.actions.add(
            topic=spec.topic,
            said=spec.said,
            outcome=outcome,
            did=text,
            why=spec.why,
            since=since,
            created_by="cli" if by is None else f"staff:{by.id}",
        )
        if not notify:
            return Recorded(action_id, {})
        action = await self._store.actions.get(action_id=action_id)
        assert action is not None
        return Recorded(action_id, await self._tell(action, since))

    async def _tell(self, action: ActionView, since: datetime) -> dict[str, int]:
        """Queue the notices and wake the outbox when someone new is told."""
        told = await notify(
            self._store,
            action,
            self._caps,
            wording=self._wording,
            languages=self._languages,
            page=self._page,
            since=since,
        )
        if told:
            self._wake()
        return told
