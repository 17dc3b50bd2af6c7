"""Coverage as JSON: one object per group (``coverage --json``, the digest's ``coverage``).

A masked count (from 1 to small_count - 1) is ``null`` in ``people``, with ``masked: true`` and
``people_shown: "fewer than N"``; the shares that would give it away are ``null`` too."""

from __future__ import annotations

from typing import Any

from handlers.groups.coverage import Coverage, GroupCoverage, Part


def _parts(parts: list[Part]) -> list[dict[str, Any]]:
    return [{"name": p.name, "people": p.people, "people_shown": p.shown} for p in parts]


def group_json(g: GroupCoverage, cov: Coverage) -> dict[str, Any]:
    """One group's line."""
    return {
        "group": g.group,
        "label": g.label,
        "people": g.people,
        "people_shown": g.shown,
        "masked": g.masked,
        "share": g.share,
        "population": g.population,
        "population_share": g.population_share,
        "voice": g.voice,
        "under_heard": g.under_heard,
        "span": cov.span,
        "previous": {
            "span": cov.previous_span,
            "people": g.previous_people,
            "people_shown": g.previous_shown,
            "share": g.previous_share,
        },
        "channels": _parts(g.channels),
        "topics": _parts(g.topics),
    }


def coverage_json(cov: Coverage) -> dict[str, Any]:
    """The whole report (the digest's ``coverage``)."""
    return {
        "span": cov.span,
        "since": cov.since,
        "until": cov.until,
        "previous_span": cov.previous_span,
        "people": cov.people.people,
        "people_shown": cov.people.shown,
        "unknown_group": cov.unknown.people,
        "unknown_group_shown": cov.unknown.shown,
        "small_count": cov.small_count,
        "under_heard_below": cov.under_heard_below,
        "under_heard": cov.under_heard,
        "groups": [group_json(g, cov) for g in cov.groups],
    }
