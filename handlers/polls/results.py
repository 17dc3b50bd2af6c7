"""Poll results: counts and percentages per option and per channel, CSAT and NPS. Pure."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from models.store.polls.definitions import PollView


@dataclass(frozen=True)
class OptionResult:
    """One option's share."""

    key: str
    label: str
    count: int
    percent: float


@dataclass(frozen=True)
class Concentration:
    """How concentrated the web (widget) votes are by network address, so that a lead can judge
    whether one place stuffed the poll: of ``votes`` (whose address is known), ``top`` came from
    the busiest address, ``percent`` of them, and ``addresses`` addresses voted in all."""

    votes: int
    addresses: int
    top: int
    percent: float


@dataclass(frozen=True)
class Results:
    """Everything `poll results` shows."""

    poll_id: int
    question: str
    kind: str
    status: str
    responses: int
    options: list[OptionResult]
    by_channel: dict[str, dict[str, int]]
    csat: float | None
    nps: float | None
    response_rate: float | None
    follow_ups: int
    aggregate_only: list[str]
    anonymous: bool = False
    web_concentration: Concentration | None = None


def compute(
    poll: PollView,
    votes: list[tuple[str, list[str]]],
    follow_ups: int = 0,
    reported: dict[str, dict[str, int]] | None = None,
    origins: list[str] | None = None,
) -> Results:
    """Results from the current votes, (channel, chosen option keys) per person, plus counts a
    platform reports without voters (X native polls: single answer, so one count per person),
    and where the web votes came from (``origins``: the keyed hash of each one's address)."""
    reported = reported or {}
    counts = Counter(k for _, keys in votes for k in keys)
    for channel_counts in reported.values():
        counts.update(channel_counts)
    responses = len(votes) + sum(sum(c.values()) for c in reported.values())
    by_channel: dict[str, dict[str, int]] = {}
    for channel, keys in votes:
        for k in keys:
            by_channel.setdefault(channel, {}).setdefault(k, 0)
            by_channel[channel][k] += 1
    for channel, channel_counts in reported.items():
        by_channel[channel] = {k: n for k, n in channel_counts.items() if n}
    options = [
        OptionResult(k, label, counts[k], _pct(counts[k], responses)) for k, label in poll.options
    ]
    return Results(
        poll.id,
        poll.question,
        poll.kind,
        poll.status,
        responses,
        options,
        by_channel,
        _csat(poll.kind, counts, responses),
        _nps(poll.kind, counts, responses),
        _rate(poll, responses),
        follow_ups,
        sorted(reported),
        poll.anonymous,
        concentration(origins or []),
    )


def concentration(origins: list[str]) -> Concentration | None:
    """How many web votes came from the busiest address; None when no address is known."""
    known = Counter(o for o in origins if o)
    if not known:
        return None
    top = known.most_common(1)[0][1]
    total = known.total()
    return Concentration(total, len(known), top, _pct(top, total))


def concentration_line(c: Concentration) -> str:
    """e.g. '62% of web votes (31 of 50) came from one network address; 7 addresses in all'."""
    places = "address" if c.addresses == 1 else "addresses"
    return (
        f"{c.percent:g}% of web votes ({c.top} of {c.votes}) came from one network address; "
        f"{c.addresses} {places} in all"
    )


def _pct(n: int, total: int) -> float:
    return round(100.0 * n / total, 1) if total else 0.0


def _csat(kind: str, counts: Counter[str], total: int) -> float | None:
    """CSAT: the share of 4s and 5s."""
    return _pct(counts["4"] + counts["5"], total) if kind == "csat" and total else None


def _nps(kind: str, counts: Counter[str], total: int) -> float | None:
    """NPS: % promoters (9-10) minus % detractors (0-6), from -100 to 100."""
    if kind != "nps" or not total:
        return None
    promoters = counts["9"] + counts["10"]
    detractors = sum(counts[str(n)] for n in range(7))
    return round(100.0 * (promoters - detractors) / total, 1)


def _rate(poll: PollView, responses: int) -> float | None:
    """Responses as a share of the audience, where every target's size is known."""
    sizes = [t.audience_size for t in poll.targets]
    if not sizes or any(s is None for s in sizes):
        return None
    total = sum(s for s in sizes if s is not None)
    return _pct(responses, total) if total else None
