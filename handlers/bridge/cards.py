"""Every message the staff channel gets, built in this one module: an item's card (posted once,
then edited in place), lines in the card's thread, and private answers to a member of staff.

Buttons carry ``verb:item_id`` (claim, reply, resolve), ``move:item_id:team`` (one per team the
item can move to; Slack shows them as one menu) or, for Open in inbox, the item's URL;
``staff_card`` tells the adapter they are staff actions, ``edit_of`` makes a message an edit of
the card, ``private_to`` / ``reply_hook`` make it private."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.events import Address, Button, Channel, ConversationKind, OutboundMessage
from bot.local_time import staff_time
from config.wording import Wording
from handlers import text_direction
from handlers.inbox.view_filters import pseudonym
from handlers.team_names import team_name
from handlers.topic_names import topic_name
from models.language import written_in
from models.store.bridge.facade import ReplySettled
from models.store.inbox.types import ItemView

QUOTE_CHARS = 500  # escaped, at most 2,500 characters: a card stays one section (3,000)
STATUS_WORDS = {
    "new": "New, no reply yet",
    "open": "Open",
    "pending": "Answered, waiting for the person",
    "snoozed": "Snoozed",
    "resolved": "Resolved",
}


@dataclass(frozen=True, slots=True)
class CardStyle:
    """Where cards go and what they offer: the staff ``chat`` on ``channel``; ``mode`` full
    (claim, reply, resolve) or alerts (only Open in inbox); ``base_url`` is where the inbox is
    served; ``wording`` names topics and teams as the staff pages do; ``teams`` those a card
    offers to move its item to."""

    chat: str
    mode: str
    base_url: str
    zone: ZoneInfo
    channel: Channel
    wording: Wording
    teams: tuple[str, ...] = ()

    def topic(self, key: str | None) -> str:
        """A topic as staff read it ('none' for no topic)."""
        return topic_name(self.wording, key) if key else "none"

    def team(self, key: str | None) -> str:
        """A team as staff read it ('none' for no team)."""
        return team_name(self.wording, key) if key else "none"


def item_url(style: CardStyle, item_id: int) -> str:
    """The item's page in the web inbox."""
    return f"{style.base_url.rstrip('/')}/inbox/items/{item_id}"


def card(item: ItemView, style: CardStyle, *, now: datetime, edit_of: str = "") -> OutboundMessage:
    """An item's card; with ``edit_of`` (the card's ts), an edit of it in place."""
    return OutboundMessage(
        address=_channel(style),
        text=card_text(item, style, now=now),
        buttons=card_buttons(item, style),
        edit_of=edit_of,
        staff_card=True,
    )


def card_text(item: ItemView, style: CardStyle, *, now: datetime) -> str:
    """What the card says: status, priority and due time; who, where, topic and sentiment;
    the person's latest message; who holds it."""
    row = item.row
    due = staff_time(row.due_at, style.zone)
    late = " (overdue)" if row.overdue(now) else ""
    who = pseudonym(row.person)
    held = f"Claimed by {row.assignee}" if row.assignee else "Not claimed"
    if row.status == "resolved":
        held = "Resolved" + (f", was with {row.assignee}" if row.assignee else "")
    lines = [
        f"{STATUS_WORDS.get(row.status, row.status)} · {row.priority} priority · due {due}{late}",
        f"{who} on {row.channel.capitalize()} · topic: {style.topic(row.topic)} · "
        f"sentiment: {row.sentiment or 'none'} · team: {style.team(row.team)}"
        f"{written_in(row.language)}",
        _quote(row.text),
        held,
    ]
    return "\n".join(lines)


def card_buttons(item: ItemView, style: CardStyle) -> tuple[Button, ...]:
    """Claim (while nobody holds it), Reply…, Resolve (until resolved), Open in inbox, then a
    move to each other team; in alerts mode only Open in inbox."""
    row, buttons = item.row, []
    working = style.mode == "full" and row.status != "resolved"
    if working:
        if row.assignee_id is None:
            buttons.append(Button("Claim", f"claim:{row.id}"))
        buttons += [Button("Reply…", f"reply:{row.id}"), Button("Resolve", f"resolve:{row.id}")]
    buttons.append(Button("Open in inbox", item_url(style, row.id)))
    if working:
        buttons += [
            Button(style.team(t), f"move:{row.id}:{t}") for t in style.teams if t != row.team
        ]
    return tuple(buttons)


def shown(message: OutboundMessage) -> str:
    """A digest of what a card shows, to skip edits that would change nothing."""
    parts = [message.text, *(f"{b.label}={b.value}" for b in message.buttons)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def person_wrote(style: CardStyle, ts: str, item: ItemView, text: str) -> OutboundMessage:
    """The person's further message, in the card's thread."""
    who = pseudonym(item.row.person)
    return _in_thread(style, ts, f"{who} wrote again:\n{_quote(text)}")


def reply_queued(style: CardStyle, ts: str, actor: str, text: str) -> OutboundMessage:
    """A staff reply on its way to the person, in the card's thread."""
    return _in_thread(style, ts, f"{actor} replied (sending):\n{_quote(text)}")


def note_added(style: CardStyle, ts: str, actor: str, text: str) -> OutboundMessage:
    """A private note added in the web inbox, in the card's thread (never sent to the person)."""
    return _in_thread(
        style, ts, f"Private note by {actor} (never sent to the person):\n{_quote(text)}"
    )


def routed(style: CardStyle, ts: str, actor: str, text: str) -> OutboundMessage:
    """A move to another team or a split, in the card's thread ("Ann moved it from …")."""
    return _in_thread(style, ts, f"{actor or 'Feedbot'}: {text}.")


def reply_settled(style: CardStyle, ts: str, settled: ReplySettled) -> OutboundMessage:
    """What became of a staff reply, in the card's thread."""
    who = settled.staff_name or "A member of staff"
    if settled.status == "sent":
        return _in_thread(style, ts, f"{who}'s reply was delivered to the person.")
    return _in_thread(
        style, ts, f"{who}'s reply could not be delivered: {settled.error}. Retry it in the inbox."
    )


def note_kept(style: CardStyle, user: str, ts: str) -> OutboundMessage:
    """Tells the member of staff their thread message was kept as a private note."""
    text = "Kept as a private note on the item. It is not sent to the person."
    return private(style, user, text, thread=ts)


def private(
    style: CardStyle, user: str, text: str, *, thread: str = "", hook: str = ""
) -> OutboundMessage:
    """Something only ``user`` sees (Slack: ephemeral), through the tap's hook when given."""
    address = Address(style.channel, chat=style.chat, thread=thread, kind=ConversationKind.GROUP)
    return OutboundMessage(address=address, text=text, private_to=user, reply_hook=hook)


def _in_thread(style: CardStyle, ts: str, text: str) -> OutboundMessage:
    address = Address(style.channel, chat=style.chat, thread=ts, kind=ConversationKind.GROUP)
    return OutboundMessage(address=address, text=text)


def _channel(style: CardStyle) -> Address:
    return Address(style.channel, chat=style.chat, kind=ConversationKind.GROUP)


def _quote(text: str) -> str:
    """The person's words as a quote (trimmed for the card), direction controls shown."""
    seen = text_direction.shown(text)
    cut = seen if len(seen) <= QUOTE_CHARS else seen[:QUOTE_CHARS] + "…"
    return "\n".join(f"> {line}" for line in (cut or "(no text)").splitlines())
