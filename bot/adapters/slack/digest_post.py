"""The digest in the staff Slack channel: a short summary with the sentiment chart uploaded
(files.upload v2: getUploadURLExternal, the upload, completeUploadExternal), linking to the page."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from handlers.digest.model import Digest
from handlers.digest.render import duration, pct
from handlers.digest.service import Drawn


def summary(drawn: Drawn, page_url: str) -> str:
    """A few lines: totals, change, rising topics, polls, and the link to the page."""
    d = drawn.digest
    if d.empty:
        return f"*Weekly digest {d.week}*: no feedback this week. <{page_url}|The digest page>"
    total = d.headline[-1]
    top = ", ".join(f"{t.topic} ({t.count})" for t in d.topics[:3]) or "none"
    lines = [
        f"*Weekly digest {d.week}*: {total.messages} messages from {total.people} people "
        f"({pct(total.change_last_week)} on last week).",
        f"Top topics: {top}. Rising: {', '.join(d.rising) or 'none'}.",
        *_queue(d),
        f"Polls: {len(d.polls)}. You said, we did: {len(d.actions)}.",
        f"<{page_url}|Read the whole digest>",
    ]
    return "\n".join(lines)


def _queue(d: Digest) -> list[str]:
    """The queue in one line (none when the queue had nothing this week)."""
    q = d.queue.total
    if q is None:
        return []
    line = (
        f"Queue: {q.new} new, {q.resolved} resolved, {q.open} still open ({q.overdue} overdue); "
        f"median first response {duration(q.first_response.median)}."
    )
    if d.queue.waiting:
        w = d.queue.waiting[0]
        line += f" Longest-waiting negative item: {w.topic or 'no topic'}, {duration(w.waited)}."
    return [line]


class SlackDestination:
    """Posts the digest to FEEDBOT_STAFF_SLACK_CHANNEL."""

    name = "slack"

    def __init__(self, client: AsyncWebClient, channel: str, *, base_url: str) -> None:
        self._client = client
        self._channel = channel
        self._base = base_url.rstrip("/")

    async def deliver(self, drawn: Drawn) -> None:
        """Upload the main chart with the summary as its comment (text only when empty)."""
        text = summary(drawn, f"{self._base}{drawn.digest.page}")
        chart = drawn.chart("sentiment")
        if drawn.digest.empty or chart is None:
            await self._client.chat_postMessage(channel=self._channel, text=text)
            return
        await self._client.files_upload_v2(
            channel=self._channel,
            file=chart.png,
            filename=f"sentiment-{drawn.digest.week}.png",
            title=f"Sentiment by week, to {drawn.digest.week}",
            alt_txt=chart.alt[:1000],
            initial_comment=text,
        )
