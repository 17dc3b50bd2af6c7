"""The digest in the staff chat: a short summary with the sentiment chart, linking to the page."""

from __future__ import annotations

from bot.events import Address, Image, OutboundMessage
from handlers.digest.model import Digest
from handlers.digest.render import duration, pct
from handlers.digest.service import Drawn


def summary(drawn: Drawn, page_url: str) -> str:
    """A few lines: totals, change, rising topics, polls, and the link to the page."""
    d = drawn.digest
    if d.empty:
        return f"*Weekly digest {d.week}*: no feedback this week. The digest page: {page_url}"
    total = d.headline[-1]
    top = ", ".join(f"{d.topic(t.topic)} ({t.count})" for t in d.topics[:3]) or "none"
    lines = [
        f"*Weekly digest {d.week}{' so far' if d.so_far else ''}*: {total.messages} messages "
        f"from {total.people} people "
        f"({pct(total.change_last_week)} on last week).",
        f"Top topics: {top}. Rising: {', '.join(map(d.topic, d.rising)) or 'none'}.",
        *_queue(d),
        f"Polls: {len(d.polls)}. You said, we did: {len(d.actions)}.",
        f"Read the whole digest: {page_url}",
    ]
    return "\n".join(lines)


def _queue(d: Digest) -> list[str]:
    """The queue in one line (none when the queue had nothing this week)."""
    q = d.queue.total
    if q is None:
        return []
    line = (
        f"Queue: {q.new} new, {q.resolved} resolved, {q.open} still open "
        f"{'now' if d.so_far else 'at the end'} ({q.overdue} overdue); "
        f"median first response {duration(q.first_response.median)}."
    )
    if d.queue.waiting:
        w = d.queue.waiting[0]
        line += (
            f" Longest-waiting negative item: {d.topic(w.topic) or 'no topic'}, "
            f"{duration(w.waited)}."
        )
    return [line]


class ChatDestination:
    """The digest for the staff chat (FEEDBOT_STAFF_SLACK_CHANNEL): the summary, with the
    sentiment chart when the week had any feedback (the channel uploads it)."""

    def __init__(self, address: Address, *, base_url: str) -> None:
        self.name = address.channel.value
        self._address = address
        self._base = base_url.rstrip("/")

    def compose(self, drawn: Drawn) -> OutboundMessage:
        """The week's post."""
        text = summary(drawn, f"{self._base}{drawn.digest.page}")
        chart = drawn.chart("sentiment")
        if drawn.digest.empty or chart is None:
            return OutboundMessage(address=self._address, text=text)
        week = drawn.digest.week
        image = Image(f"sentiment-{week}.png", chart.png, chart.alt)
        return OutboundMessage(address=self._address, text=text, images=(image,))
