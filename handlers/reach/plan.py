"""Who of an audience a send tells, and why the others are left out: pure, no I/O.

A person is left out, first reason first, when they said "stop" (``opted_out``), when the bot
may not write to them (``unreachable``: no direct conversation they opened, no widget session
still open, or a channel that cannot show what is sent), when they were asked as often as the
cap allows (``capped``), or when a sample leaves them out (``sampled_out``)."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from bot.channel import Capabilities, capabilities_of
from bot.events import Channel
from config.reach import ContactCap
from models.store.reach.audience import Person

REASONS = ("opted_out", "unreachable", "capped", "sampled_out")


@dataclass(frozen=True)
class Plan:
    """The people to tell, and how many were left out per reason and channel."""

    told: list[Person]
    left_out: dict[str, dict[str, int]] = field(default_factory=dict)

    def told_by_channel(self) -> dict[str, int]:
        """People told per channel."""
        counts: dict[str, int] = {}
        for p in self.told:
            counts[p.channel] = counts.get(p.channel, 0) + 1
        return dict(sorted(counts.items()))

    def left_out_totals(self) -> dict[str, int]:
        """People left out per reason (every reason, 0 included)."""
        return {r: sum(self.left_out.get(r, {}).values()) for r in REASONS}


def capped(person: Person, cap: ContactCap) -> bool:
    """Whether the person was asked as often as the cap allows (never, without a cap)."""
    return cap.invitations > 0 and person.asked >= cap.invitations


def reason(
    person: Person,
    caps: Mapping[Channel, Capabilities],
    cap: ContactCap,
    can_show: Callable[[Capabilities], bool],
) -> str | None:
    """Why the person is left out before sampling (None: they may be told)."""
    if person.opted_out:
        return "opted_out"
    channel = capabilities_of(caps, person.channel)
    if person.address is None or channel is None or not can_show(channel):
        return "unreachable"
    return "capped" if capped(person, cap) else None


def plan(
    people: Sequence[Person],
    caps: Mapping[Channel, Capabilities],
    cap: ContactCap,
    *,
    sample: float = 1.0,
    rng: random.Random | None = None,
    can_show: Callable[[Capabilities], bool] = lambda c: True,
) -> Plan:
    """Sort the audience into those told and those left out (a ``sample`` share of those who
    may be told, drawn at random)."""
    left: dict[str, dict[str, int]] = {}
    may: list[Person] = []
    for p in people:
        why = reason(p, caps, cap, can_show)
        if why is None:
            may.append(p)
        else:
            _count(left, why, p.channel)
    told = _sample(may, sample, rng or random.Random())
    kept = {p.contact_id for p in told}
    for p in may:
        if p.contact_id not in kept:
            _count(left, "sampled_out", p.channel)
    return Plan(told, left)


def _sample(people: list[Person], share: float, rng: random.Random) -> list[Person]:
    """A random ``share`` of the people (rounded, at least one of a non-empty list), in order."""
    if share >= 1.0 or not people:
        return people
    n = max(1, round(len(people) * share))
    chosen = set(rng.sample(range(len(people)), n))
    return [p for i, p in enumerate(people) if i in chosen]


def _count(left: dict[str, dict[str, int]], why: str, channel: str) -> None:
    per = left.setdefault(why, {})
    per[channel] = per.get(channel, 0) + 1
