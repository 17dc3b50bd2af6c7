"""What a digest says, section by section: plain frozen data, ready for HTML, Markdown, JSON."""

from __future__ import annotations

from dataclasses import dataclass, field

from handlers.digest.parts import Part
from handlers.topic_names import in_words


@dataclass(frozen=True)
class ChannelLine:
    """Messages and people on one channel (or 'all') this week, against last week and 4 weeks."""

    channel: str
    messages: int
    people: int
    last_week: int
    average_4w: float
    change_last_week: float | None
    change_average: float | None
    link: str


@dataclass(frozen=True)
class SentimentWeek:
    """One week's sentiment counts and percentage shares."""

    week: str
    total: int
    counts: dict[str, int]
    shares: dict[str, float]
    link: str


@dataclass(frozen=True)
class TopicLine:
    """A topic this week: count, last week, usual weekly rate, net sentiment, rising or not."""

    topic: str
    count: int
    last_week: int
    usual: float
    change: float | None
    net_sentiment: float | None
    rising: bool
    link: str


@dataclass(frozen=True)
class QuoteLine:
    """A scrubbed quote under a pseudonymous name."""

    topic: str
    text: str
    who: str
    link: str


@dataclass(frozen=True)
class GroupLine:
    """Who is writing: a customer group's (or channel's) messages and people; quiet or not."""

    group: str
    messages: int
    people: int
    average_4w: float
    quiet: bool
    link: str


@dataclass(frozen=True)
class PollLine:
    """A poll that ran or closed this week."""

    id: int
    question: str
    kind: str
    status: str
    responses: int
    answers: dict[str, dict[str, int]]
    options: dict[str, str]
    csat: float | None
    nps: float | None
    response_rate: float | None
    follow_ups: int
    comments: list[str]
    link: str
    web_votes: str = ""
    """How concentrated the web votes are by network address, in words ("" without any)."""


@dataclass(frozen=True)
class Timing:
    """Seconds from an item's creation to its first response (or resolution), for the items
    whose first response (or resolution) fell in the week; None when there were none."""

    items: int
    median: float | None
    p90: float | None


@dataclass(frozen=True)
class QueueTeam:
    """One team's queue this week ("all" for every team); each figure links to its items."""

    team: str
    new: int
    resolved: int
    open: int
    overdue: int
    first_response: Timing
    resolution: Timing
    csat: float | None
    csat_responses: int
    csat_asked: int
    links: dict[str, str]


@dataclass(frozen=True)
class WaitingLine:
    """A negative item still unresolved at the week's end (or now, while the week is in
    progress), and how long it had waited by then."""

    id: int
    team: str
    topic: str
    channel: str
    waited: float
    link: str


@dataclass(frozen=True)
class Queue:
    """The staff queue's week: per team (the last line is "all"), and the oldest negative
    items still waiting."""

    teams: list[QueueTeam] = field(default_factory=list)
    waiting: list[WaitingLine] = field(default_factory=list)

    @property
    def total(self) -> QueueTeam | None:
        """The line over every team."""
        return self.teams[-1] if self.teams else None


@dataclass(frozen=True)
class ActionLine:
    """A "you said, we did" entry recorded this week, and how many were told per channel."""

    id: int
    topic: str
    said: str
    outcome: str
    did: str
    why: str
    told: dict[str, int]
    link: str


@dataclass(frozen=True)
class Digest:
    """One ISO week's digest."""

    week: str
    starts: str
    ends: str
    timezone: str
    page: str
    empty: bool
    headline: list[ChannelLine]
    sentiment: list[SentimentWeek]
    topics: list[TopicLine]
    rising: list[str]
    quotes: list[QuoteLine]
    channels: list[GroupLine]
    groups: list[GroupLine]
    polls: list[PollLine]
    queue: Queue
    actions: list[ActionLine]
    so_far: bool = False
    """The week is still in progress: every figure counts up to ``until`` only."""
    until: str = ""
    """Where the figures stop (local time): the week's end, or the moment it was built."""
    topic_names: dict[str, str] = field(default_factory=dict)
    team_names: dict[str, str] = field(default_factory=dict)
    parts: list[Part] = field(default_factory=list)
    """The sections plugged in (``handlers/digest/parts.py``), in the configured order."""

    def topic(self, key: str) -> str:
        """A topic key as people read it: its display name from config, else the key."""
        return self.topic_names.get(key, key)

    def team(self, key: str) -> str:
        """A team key as staff read it: its display name from config, else the key in words;
        '' is items no team has taken, 'all' the line over every team."""
        if key in self.team_names:
            return self.team_names[key]
        if not key:
            return "no team"
        return key if key == "all" else in_words(key)

    @property
    def first_parts(self) -> list[Part]:
        """Sections shown before the fixed ones."""
        return [p for p in self.parts if p.first]

    @property
    def last_parts(self) -> list[Part]:
        """Sections shown after the fixed ones."""
        return [p for p in self.parts if not p.first]
