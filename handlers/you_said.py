""" "You said, we did": recording what the library did about a topic, and telling the people who
raised it, once each, where they wrote (one public post where replying to each would be spam)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.channel import Capabilities
from bot.events import Address, Channel, ConversationKind, OutboundMessage, utcnow
from models.store import Store
from models.store.action_notices import Notice, Raiser
from models.store.actions import ActionView


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


def notice_text(action: ActionView, *, library: str, page: str = "") -> str:
    """What the people who raised the topic are told."""
    if action.outcome == "did":
        body = f"You told {library}: {action.said} What we did: {action.did}"
    else:
        body = f"You told {library}: {action.said} We cannot change this: {action.did}"
        body += f" Why: {action.why}"
    return f"{body} {page}".strip() if page else body


def plan(
    action: ActionView, raisers: list[Raiser], caps: Mapping[str, Capabilities], text: str
) -> list[Notice]:
    """One message per conversation; public writers on a broadcasting channel share one post."""
    groups: dict[tuple[str, str, str], list[Raiser]] = {}
    for r in raisers:
        cap = caps.get(r.channel)
        if cap is None:
            continue
        public = r.kind == ConversationKind.PUBLIC.value and cap.public_broadcast
        key = (r.channel, "", "*public*") if public else (r.channel, r.chat, r.thread)
        groups.setdefault(key, []).append(r)
    return [_notice(key, group, text) for key, group in groups.items()]


def _notice(key: tuple[str, str, str], group: list[Raiser], text: str) -> Notice:
    channel, chat, thread = key
    if thread == "*public*":
        address = Address(Channel(channel), chat="", kind=ConversationKind.PUBLIC)
    else:
        first = group[0]
        address = Address(Channel(channel), chat, thread, ConversationKind(first.kind), first.extra)
    recipients = tuple(f"contact:{r.contact_id}" for r in group)
    return Notice(recipients, channel, OutboundMessage(address=address, text=text))


async def notify(
    store: Store,
    action: ActionView,
    caps: Mapping[str, Capabilities],
    *,
    library: str,
    page: str = "",
    since: datetime,
    now: datetime | None = None,
) -> dict[str, int]:
    """Queue the notices of an action for everyone not told yet; returns people told per channel."""
    found = await store.actions.raisers(topic=action.topic, since=since, until=now or utcnow())
    notices = plan(action, found, caps, notice_text(action, library=library, page=page))
    return await store.actions.notify(action_id=action.id, notices=notices)
