"""CSAT and NPS over the last 12 weeks: each week's answers to satisfaction (1-5) and
recommendation (0-10) polls, as a chart and a table."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Mapping
from dataclasses import dataclass

from handlers.digest.charts import FONT, figure, lettered, png
from handlers.digest.parts import Chart, Context, Part, Sources
from handlers.digest.render import environment, signed
from handlers.digest.week import week_starts
from models.store import Store

WEEKS = 12
CSAT_COLOUR, NPS_COLOUR = "#0072B2", "#D55E00"


@dataclass(frozen=True)
class ScoreWeek:
    """One week's scores: CSAT (% answering 4 or 5) and NPS (-100 to 100), with answers."""

    week: str
    csat_answers: int
    csat: float | None
    nps_answers: int
    nps: float | None


def csat(counts: Mapping[str, int]) -> tuple[int, float | None]:
    """(answers, % satisfied) from counts per option key '1'..'5'."""
    total = sum(counts.values())
    happy = counts.get("4", 0) + counts.get("5", 0)
    return total, (round(100.0 * happy / total, 1) if total else None)


def nps(counts: Mapping[str, int]) -> tuple[int, float | None]:
    """(answers, NPS) from counts per option key '0'..'10'."""
    total = sum(counts.values())
    promoters = counts.get("9", 0) + counts.get("10", 0)
    detractors = sum(counts.get(str(n), 0) for n in range(7))
    return total, (round(100.0 * (promoters - detractors) / total, 1) if total else None)


class TrendsSection:
    """The scores section: a chart and a table of the last 12 weeks."""

    name = "scores"

    async def build(self, store: Store, context: Context) -> Part | None:
        """The 12 weeks up to the digest's; None when no score was given in any of them."""
        starts = week_starts(context.week, context.zone, back=WEEKS - 1)
        found = await store.digest.scores.weekly(starts=starts, end=context.end)
        by = {(s.ago, s.kind): s.counts for s in found}
        weeks = [
            ScoreWeek(
                str(context.week.shifted(-ago)),
                *csat(by.get((ago, "csat"), {})),
                *nps(by.get((ago, "nps"), {})),
            )
            for ago in reversed(range(WEEKS))
        ]
        if not found:
            return None
        chart = await asyncio.to_thread(_chart, weeks)
        so_far = context.so_far

        def html(base: str, charts: Sources) -> str:
            template = environment().get_template("parts/scores.html")
            return template.render(weeks=weeks, chart=charts.get(chart.name), so_far=so_far)

        def text(base: str) -> list[str]:
            return [_words(w) for w in weeks if w.csat_answers or w.nps_answers]

        title = "Satisfaction (CSAT) and NPS, last 12 weeks"
        return Part(self.name, title, weeks, html, text, charts=(chart,))


def _words(w: ScoreWeek) -> str:
    parts = [
        f"CSAT {w.csat:g}% ({w.csat_answers} answers)" if w.csat is not None else "",
        f"NPS {signed(w.nps)} ({w.nps_answers} answers)" if w.nps is not None else "",
    ]
    return f"- {w.week}: " + ", ".join(p for p in parts if p)


def _chart(weeks: list[ScoreWeek]) -> Chart:
    """Two lines on one scale (-100 to 100): CSAT % and NPS per week; gaps where none."""
    fig = figure(4.0)
    ax = fig.add_subplot()
    labels = [w.week[6:] for w in weeks]
    csat_line = [math.nan if w.csat is None else w.csat for w in weeks]  # a gap: no answers
    nps_line = [math.nan if w.nps is None else w.nps for w in weeks]
    ax.plot(labels, csat_line, marker="o", color=CSAT_COLOUR, label="CSAT %")
    ax.plot(labels, nps_line, marker="s", linestyle="--", color=NPS_COLOUR, label="NPS")
    ax.axhline(0, color="#777777", linewidth=0.8)
    ax.set_ylim(-100, 100)
    ax.set_xlabel("week number")
    ax.set_title("CSAT and NPS by week")
    ax.legend(
        loc="upper center", bbox_to_anchor=(0.5, -0.28), ncols=2, frameon=False, fontsize=FONT
    )
    lettered(ax)
    shown = [w for w in weeks if w.csat is not None or w.nps is not None]
    words = "; ".join(_words(w)[2:] for w in shown)
    alt = (
        f"Line chart of CSAT (% satisfied) and NPS for the {WEEKS} weeks {weeks[0].week} to "
        f"{weeks[-1].week}: {words}. The table below has the figures."
    )
    return Chart("scores", png(fig), alt)
