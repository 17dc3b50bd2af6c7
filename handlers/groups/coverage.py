"""Coverage, pure: each customer group's share of the people heard from against its share of
the population served; under-heard below a set part of its expected voice; small counts
masked ("fewer than 5") so that no one can be picked out from the figures."""

from __future__ import annotations

from dataclasses import dataclass

from config.groups import CustomerGroups
from handlers.groups.spans import Span
from models.store.people.coverage import Heard


@dataclass(frozen=True, slots=True)
class Count:
    """A count as shown: ``people`` is None when masked (from 1 to small_count - 1)."""

    people: int | None
    shown: str

    @property
    def masked(self) -> bool:
        """Whether the count is hidden behind "fewer than N"."""
        return self.people is None


@dataclass(frozen=True, slots=True)
class Part:
    """People of a group reached through one channel, or writing on one topic."""

    name: str
    people: int | None
    shown: str


@dataclass(frozen=True, slots=True)
class GroupCoverage:
    """One group's line: people heard from (masked when few), their share of everyone placed
    in a group, the group's share of the population, and whether it is under-heard."""

    group: str
    label: str
    people: int | None
    shown: str
    masked: bool
    share: float | None
    population: int
    population_share: float | None
    voice: float | None
    under_heard: bool
    previous_people: int | None
    previous_shown: str
    previous_share: float | None
    channels: list[Part]
    topics: list[Part]


@dataclass(frozen=True, slots=True)
class Coverage:
    """Coverage of one span against the one before."""

    span: str
    since: str
    until: str
    previous_span: str | None
    people: Count
    unknown: Count
    small_count: int
    under_heard_below: float
    groups: list[GroupCoverage]

    @property
    def under_heard(self) -> list[str]:
        """The groups flagged under-heard."""
        return [g.group for g in self.groups if g.under_heard]


def masked(n: int, small: int) -> Count:
    """A count, hidden as "fewer than N" from 1 to N - 1 (0 and N or more are shown)."""
    return Count(None, f"fewer than {small}") if 0 < n < small else Count(n, str(n))


def _share(n: int, total: int) -> float | None:
    return round(n / total, 4) if total else None


def _parts(counts: dict[tuple[str, str], int], group: str, small: int) -> list[Part]:
    found = sorted(((k[1], n) for k, n in counts.items() if k[0] == group), key=lambda p: -p[1])
    return [Part(name, *_shown(masked(n, small))) for name, n in found if name]


def _shown(c: Count) -> tuple[int | None, str]:
    return c.people, c.shown


def coverage(
    config: CustomerGroups, now: Heard, before: Heard | None, spans: tuple[Span, Span | None]
) -> Coverage:
    """The coverage report from the store's counts and the configured population."""
    small = config.small_count
    placed = sum(n for g, n in now.people.items() if g in config.groups)
    placed_before = sum(n for g, n in (before.people if before else {}).items() if g)
    lines = [_line(config, name, now, before, placed, placed_before) for name in config.groups]
    this, previous = spans
    everyone = sum(now.people.values())
    return Coverage(
        span=this.name,
        since=this.since.isoformat(),
        until=this.until.isoformat(),
        previous_span=previous.name if previous else None,
        people=masked(everyone, small),
        unknown=masked(everyone - placed, small),
        small_count=small,
        under_heard_below=config.under_heard_below,
        groups=lines,
    )


def _line(
    config: CustomerGroups,
    name: str,
    now: Heard,
    before: Heard | None,
    placed: int,
    placed_before: int,
) -> GroupCoverage:
    small, population = config.small_count, config.groups[name].population
    n = now.people.get(name, 0)
    count = masked(n, small)
    share = _share(n, placed)
    expected = _share(population, config.population) if population else None
    voice = round(share / expected, 3) if share is not None and expected else None
    under = expected is not None and (share or 0.0) < config.under_heard_below * expected
    old = before.people.get(name, 0) if before else 0
    old_count = masked(old, small) if before else Count(None, "")
    return GroupCoverage(
        group=name,
        label=config.label(name),
        people=count.people,
        shown=count.shown,
        masked=count.masked,
        share=None if count.masked else share,
        population=population,
        population_share=expected,
        voice=None if count.masked else voice,
        under_heard=under,
        previous_people=old_count.people,
        previous_shown=old_count.shown,
        previous_share=None if old_count.masked else _share(old, placed_before),
        channels=_parts(now.channels, name, small),
        topics=_parts(now.topics, name, small),
    )
