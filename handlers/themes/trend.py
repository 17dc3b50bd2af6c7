"""A theme's trend against its earlier weeks. Pure."""

from __future__ import annotations

from collections.abc import Sequence

ORDER = ("new", "rising", "steady", "falling")
"""How themes are listed: new and rising first."""
USUAL_WEEKS = 4


def trend(size: int, earlier: Sequence[int], *, elapsed: float = 1.0) -> str:
    """new (no earlier week), rising (half as many again as usual and at least three more),
    falling (a third fewer and at least three fewer) or steady. ``earlier``: its sizes in the
    weeks before, newest first (0 where it was not found); usual is their mean over the last
    four since it first appeared, scaled by ``elapsed`` (the share of a week in progress gone
    by)."""
    if not earlier or not any(earlier):
        return "new"
    recent = list(earlier[:USUAL_WEEKS])
    while recent and not recent[-1]:  # weeks before it first appeared do not count
        recent.pop()
    if not recent:
        recent = [0]
    usual = sum(recent) / len(recent) * max(min(elapsed, 1.0), 0.0)
    if size >= 1.5 * usual and size - usual >= 3:
        return "rising"
    if size <= usual * 2 / 3 and usual - size >= 3:
        return "falling"
    return "steady"


def rank(trend_name: str, size: int) -> tuple[int, int]:
    """Sort key: new, then rising, then the rest, larger first within each."""
    place = ORDER.index(trend_name) if trend_name in ORDER else len(ORDER)
    return (min(place, 2), -size)
