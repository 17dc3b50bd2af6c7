"""What the widget routes share: their dependencies, storing an event, reading a conversation."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from starlette.templating import Jinja2Templates

from bot.channel import Receipt
from bot.events import Channel, InboundEvent, utcnow
from bot.local_time import UTC_ZONE, zone_name
from bot.web.guard import SessionGuard
from config.library import LibraryConfig
from config.wording import Speech, Wording
from models.store import Store
from models.store.inbound.listings import CONVERSATION_KINDS, MessageView

COOKIE = "feedbot_session"
ESCAPED_CHAR_BYTES = 12  # one character outside the BMP written as two \uXXXX escapes


@dataclass(frozen=True)
class WidgetDeps:
    """What the widget routes need."""

    sink: Callable[[InboundEvent], Awaitable[Receipt]]
    store: Store
    library: LibraryConfig
    templates: Jinja2Templates
    max_chars: int
    guard: SessionGuard
    public_url: str = ""
    page_size: int = 50
    wording: Wording = field(kw_only=True)
    zone: ZoneInfo = field(kw_only=True, default=UTC_ZONE)  # the library's (before the script)

    def local_time(self, at: datetime) -> str:
        """A time before the page's script shows it in the reader's language and zone: in the
        library's zone, named, in figures (no words to translate): '2026-12-07 09:14 GMT'."""
        local = at.astimezone(self.zone)
        return f"{local:%Y-%m-%d %H:%M} {zone_name(local)}"

    @property
    def body_cap(self) -> int:
        """Bytes a body may have: the character limit, each character at its longest in JSON."""
        return self.max_chars * ESCAPED_CHAR_BYTES + 4096

    @property
    def cookie_age(self) -> int:
        """Seconds the browser keeps the session cookie (the session's idle lifetime)."""
        return int(self.guard.limits.lifetime.total_seconds())


@dataclass(frozen=True)
class Page:
    """Part of a conversation: up to a page of messages, oldest first, and where older ones end."""

    messages: list[MessageView]
    older: int | None


async def conversation(deps: WidgetDeps, session: str, *, before: int | None = None) -> Page:
    """The newest page of a session's conversation (or the page before message ``before``)."""
    conv = await deps.store.messages.conversation_at(channel=Channel.WIDGET.value, chat=session)
    if conv is None:
        return Page([], None)
    newest = await deps.store.messages.find(
        conversation_id=conv,
        limit=deps.page_size + 1,
        newest_first=True,
        kinds=CONVERSATION_KINDS,
        before=before,
    )
    shown = newest[: deps.page_size][::-1]
    return Page(shown, shown[0].id if len(newest) > deps.page_size else None)


async def open_polls(deps: WidgetDeps, session: str, say: Speech) -> list[dict[str, Any]]:
    """Open widget polls, each with this session's current answer, worded for the page."""
    answers = await deps.store.polls.answers_of(channel=Channel.WIDGET.value, sender=session)
    said = deps.wording.translated
    return [
        {
            "id": p.id,
            "question": said(p.question, say.language),
            "kind": p.kind,
            "options": [{"key": k, "label": said(label, say.language)} for k, label in p.options],
            "your_answer": answers.get(p.id, []),
        }
        for p in await deps.store.polls.open_for(channel=Channel.WIDGET.value, chat=session)
    ]


async def place_by_entry(deps: WidgetDeps, session: str, group: str) -> None:
    """A message sent (or a session opened) from a page for one group: its session's person is
    of that group. A visit writes nothing, and only a change is written."""
    if session and group:
        await deps.store.people.place_session(
            channel=Channel.WIDGET.value, sender=session, group=group, at=utcnow()
        )


def message_json(m: MessageView) -> dict[str, Any]:
    """A message as the widget's JavaScript shows it."""
    return {
        "id": m.id,
        "from": "you" if m.direction == "in" else "library",
        "text": m.text,
        "created_at": m.created_at.isoformat(),
    }
