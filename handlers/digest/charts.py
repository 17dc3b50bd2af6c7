"""The digest's charts: matplotlib's Agg backend on a Figure of its own (no pyplot state, so
safe in a worker thread), PNG bytes, colours that survive colour blindness and greyscale
(Okabe-Ito, with hatching), and a text alternative for each."""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from handlers.digest.model import Digest, SentimentWeek, TopicLine

COLOURS = {"negative": "#D55E00", "neutral": "#BBBBBB", "positive": "#0072B2"}
HATCHES = {"negative": "xx", "neutral": "", "positive": "//"}


@dataclass(frozen=True)
class Chart:
    """A drawn chart: a Content-ID-safe name, the PNG, and what it shows in words."""

    name: str
    png: bytes
    alt: str


def _png(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    return buffer.getvalue()


def sentiment_chart(weeks: list[SentimentWeek]) -> Chart:
    """Stacked bars: each week's negative / neutral / positive shares."""
    fig = Figure(figsize=(7, 3.2))
    ax = fig.add_subplot()
    labels, bottom = [w.week[5:] for w in weeks], [0.0] * len(weeks)
    for mood, colour in COLOURS.items():
        values = [w.shares[mood] for w in weeks]
        ax.bar(
            labels,
            values,
            bottom=bottom,
            color=colour,
            hatch=HATCHES[mood],
            edgecolor="#333333",
            linewidth=0.5,
            label=mood,
        )
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_ylabel("% of messages")
    ax.set_ylim(0, 100)
    ax.legend(loc="upper left", bbox_to_anchor=(1, 1), frameon=False)
    ax.set_title("Sentiment by week")
    newest = weeks[-1]
    alt = (
        f"Stacked bar chart of sentiment for {len(weeks)} weeks, {weeks[0].week} to "
        f"{newest.week}. In {newest.week}: {newest.shares['negative']}% negative, "
        f"{newest.shares['neutral']}% neutral, {newest.shares['positive']}% positive. "
        "The table below gives every week's numbers."
    )
    return Chart("sentiment", _png(fig), alt)


def topics_chart(topics: list[TopicLine], *, count: int = 8) -> Chart:
    """Horizontal bars: this week's biggest topics against their usual weekly rate."""
    shown = topics[:count][::-1]
    fig = Figure(figsize=(7, 0.45 * max(len(shown), 2) + 1.2))
    ax = fig.add_subplot()
    names = [t.topic for t in shown]
    ax.barh(names, [t.count for t in shown], color=COLOURS["positive"], label="this week")
    ax.scatter(
        [t.usual for t in shown], names, color="#000000", marker="D", zorder=3, label="usual week"
    )
    ax.set_xlabel("messages")
    ax.legend(loc="lower right", frameon=False)
    ax.set_title("Topics this week")
    words = ", ".join(f"{t.topic} {t.count} (usually {t.usual:g})" for t in reversed(shown))
    alt = f"Bar chart of this week's topics: {words or 'none'}. The table below has the figures."
    return Chart("topics", _png(fig), alt)


def draw_sync(digest: Digest) -> list[Chart]:
    """Every chart of a digest (blocking)."""
    return [sentiment_chart(digest.sentiment), topics_chart(digest.topics)]


async def draw(digest: Digest) -> list[Chart]:
    """Every chart of a digest, drawn in a worker thread."""
    return await asyncio.to_thread(draw_sync, digest)
