"""The digest's charts: matplotlib's Agg backend on a Figure of its own (no pyplot state, so
safe in a worker thread), PNG bytes, colours that survive colour blindness and greyscale
(Okabe-Ito, with hatching), and a text alternative for each."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from handlers.digest.model import Digest, SentimentWeek, TopicLine
from handlers.digest.parts import Chart

__all__ = ["Chart", "draw", "draw_sync", "figure", "lettered", "png", "sentiment_chart"]

COLOURS = {"negative": "#D55E00", "neutral": "#BBBBBB", "positive": "#0072B2"}
HATCHES = {"negative": "xx", "neutral": "", "positive": "//"}


PHONE = (5.0, 3.6)
"""Inches at 100 dpi: 500 px wide, so a 390 px phone shows it at about 3/4 and the labels
(FONT points) stay readable."""
FONT = 12


def figure(height: float = PHONE[1]) -> Figure:
    """A figure sized and lettered to be read on a phone."""
    fig = Figure(figsize=(PHONE[0], height))
    fig.set_layout_engine("constrained")
    return fig


def lettered(ax: object) -> None:
    """Labels large enough for a phone."""
    ax.tick_params(labelsize=FONT)  # type: ignore[attr-defined]
    ax.title.set_fontsize(FONT + 2)  # type: ignore[attr-defined]
    ax.xaxis.label.set_fontsize(FONT)  # type: ignore[attr-defined]
    ax.yaxis.label.set_fontsize(FONT)  # type: ignore[attr-defined]


def png(fig: Figure) -> bytes:
    """The figure as PNG bytes."""
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    return buffer.getvalue()


def sentiment_chart(weeks: list[SentimentWeek]) -> Chart:
    """Stacked bars: each week's negative / neutral / positive shares."""
    fig = figure(4.0)
    ax = fig.add_subplot()
    labels, bottom = [w.week[6:] for w in weeks], [0.0] * len(weeks)
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
    ax.set_xlabel("week number")
    ax.set_ylim(0, 100)
    ax.legend(
        loc="upper center", bbox_to_anchor=(0.5, -0.28), ncols=3, frameon=False, fontsize=FONT
    )
    ax.set_title("Sentiment by week")
    lettered(ax)
    newest = weeks[-1]
    alt = (
        f"Stacked bar chart of sentiment for {len(weeks)} weeks, {weeks[0].week} to "
        f"{newest.week}. In {newest.week}: {newest.shares['negative']}% negative, "
        f"{newest.shares['neutral']}% neutral, {newest.shares['positive']}% positive. "
        "The table below gives every week's numbers."
    )
    return Chart("sentiment", png(fig), alt)


def topics_chart(
    topics: list[TopicLine], *, count: int = 8, name: Callable[[str], str] = str
) -> Chart:
    """Horizontal bars: this week's biggest topics against their usual weekly rate."""
    shown = topics[:count][::-1]
    fig = figure(0.5 * max(len(shown), 2) + 1.6)
    ax = fig.add_subplot()
    names = [name(t.topic) for t in shown]
    ax.barh(names, [t.count for t in shown], color=COLOURS["positive"], label="this week")
    ax.scatter(
        [t.usual for t in shown], names, color="#000000", marker="D", zorder=3, label="usual week"
    )
    ax.set_xlabel("messages")
    ax.legend(loc="lower right", frameon=False, fontsize=FONT)
    ax.set_title("Topics this week")
    lettered(ax)
    words = ", ".join(f"{name(t.topic)} {t.count} (usually {t.usual:g})" for t in reversed(shown))
    alt = f"Bar chart of this week's topics: {words or 'none'}. The table below has the figures."
    return Chart("topics", png(fig), alt)


def draw_sync(digest: Digest) -> list[Chart]:
    """Every chart of a digest (blocking)."""
    return [sentiment_chart(digest.sentiment), topics_chart(digest.topics, name=digest.topic)]


async def draw(digest: Digest) -> list[Chart]:
    """Every chart of a digest, drawn in a worker thread."""
    return await asyncio.to_thread(draw_sync, digest)
