"""An alert's words, pure: a title, a few lines and the link to act on, from the alert and
what the store says now (the item, or the spike's example texts, scrubbed of identifiers)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from bot.local_time import staff_time
from handlers.alerts.rules import stamp
from handlers.digest.scrub import scrub
from handlers.text_direction import shown
from models.language import written_in
from models.store.alerts.raised import ClaimedSend
from models.store.inbox.types import WAITING, ItemView
from models.store.rights.registry import ERASED

QUOTE_CHARS = 280


@dataclass(frozen=True, slots=True)
class AlertText:
    """What an alert says, on every destination."""

    title: str
    lines: tuple[str, ...]
    link: str

    def plain(self) -> str:
        """Title, lines and link, one per line."""
        return "\n".join((self.title, *self.lines, self.link))


def quote(text: str) -> str:
    """A person's words, scrubbed, on one line, cut to a readable length."""
    flat = " ".join(shown(scrub(text)).split())
    return f"“{flat[: QUOTE_CHARS - 1]}…”" if len(flat) > QUOTE_CHARS else f"“{flat}”"


def local(at: datetime, zone: ZoneInfo) -> str:
    """'Tue 1 Dec 2026, 14:30 GMT': the library's time, as every staff message says it."""
    return staff_time(at, zone)


def span(delta_s: float) -> str:
    """'45 min' or '3 h 10 min'."""
    minutes = max(0, round(delta_s / 60))
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


def is_moot(send: ClaimedSend, item: ItemView | None, now: datetime) -> bool:
    """An item alert nobody needs any more: the item is gone or resolved, or (for due-time
    alerts) no longer waiting on staff or given another due time; a warning held through quiet
    hours past the due time itself (the missed alert says it)."""
    if send.item_id is None:
        return False
    if item is None or item.row.status == "resolved":
        return True
    if send.kind in ("due_soon", "overdue"):
        due = send.detail.get("due_at", "")
        moved = item.row.status not in WAITING or due != stamp(item.row.due_at)
        return moved or (send.kind == "due_soon" and item.row.due_at <= now)
    return False


def item_text(
    send: ClaimedSend, item: ItemView, now: datetime, zone: ZoneInfo, base_url: str
) -> AlertText:
    """An urgent, due-soon or overdue item's alert."""
    row = item.row
    due = local(row.due_at, zone)
    left = (row.due_at - now).total_seconds()
    title = {
        "urgent": f"Urgent item #{row.id} needs a person (due {due})",
        "due_soon": f"Item #{row.id} is due in {span(left)} ({due})",
        "overdue": f"Item #{row.id} missed its due time ({due}, {span(-left)} ago)",
    }[send.kind]
    labels = ", ".join(x for x in (row.channel, row.topic, row.sentiment) if x)
    labels += written_in(row.language).replace(" · ", ", ")
    who = f"assigned to {row.assignee}" if row.assignee else "unassigned"
    lines = (f"{row.priority.capitalize()} priority, team {row.team or '—'}, {who}; {labels}.",)
    return AlertText(title, (*lines, quote(row.text)), f"{base_url}/inbox/items/{row.id}")


def spike_text(
    send: ClaimedSend, texts: Mapping[int, str], zone: ZoneInfo, base_url: str
) -> AlertText:
    """A topic spike's alert: the count, the usual rate, three examples, the filtered queue."""
    d = send.detail
    minutes, weeks = int(d["window_minutes"]), int(d["weeks"])
    window = f"{minutes} min" if minutes % 60 else f"{minutes // 60} h"
    title = (
        f"Spike in {send.topic}: {d['count']} messages in the last {window} "
        f"(usually {float(d['usual']):g} at this time of the week)"
    )
    since = datetime.fromisoformat(str(d["since"]).replace("Z", "+00:00"))
    head = (
        f"Since {local(since, zone)}; the usual rate is the mean of the same hours over the "
        f"last {weeks} week{'s' if weeks != 1 else ''}.",
    )
    examples = _examples(d.get("examples", ()), texts)
    link = f"{base_url}/inbox/?{urlencode({'topic': send.topic})}"
    return AlertText(title, (*head, *(f"• {q}" for q in examples)), link)


def _examples(ids: Sequence[int], texts: Mapping[int, str]) -> list[str]:
    """The examples still held (an erased one is left out)."""
    return [quote(texts[i]) for i in ids if texts.get(i, ERASED) not in (ERASED, "")]
