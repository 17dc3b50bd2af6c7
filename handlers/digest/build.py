"""Building one week's digest from the store's aggregates, section by section."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from bot.events import utcnow
from config.calendar import AcademicCalendar
from handlers.digest import sections
from handlers.digest.figures import link, pseudonymous_name
from handlers.digest.model import ActionLine, Digest, PollLine, Queue, QuoteLine, TopicLine
from handlers.digest.parts import Context, Part, Section
from handlers.digest.queue import queue
from handlers.digest.scrub import scrub
from handlers.digest.week import IsoWeek, week_starts
from handlers.polls.results import concentration_line
from handlers.polls.service import results
from models.store import Store
from models.store.digest.figures import Window
from models.store.digest.queue_figures import Span

T = TypeVar("T")


@dataclass(frozen=True)
class DigestConfig:
    """How the digest reads the week: time zone, customer groups, quotes, topics' and teams'
    display names, the academic calendar, and the sections plugged in
    (``handlers/digest/parts.py``)."""

    zone: ZoneInfo
    groups: Mapping[str, str] = field(default_factory=dict)
    top_topics: int = 3
    quotes_per_topic: int = 3
    quote_confidence: float = 0.7
    history_weeks: int = 8
    topic_names: Mapping[str, str] = field(default_factory=dict)
    team_names: Mapping[str, str] = field(default_factory=dict)
    calendar: AcademicCalendar | None = None
    sections: tuple[Section, ...] = ()


class Timer:
    """Seconds spent per section (the benchmark prints them)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        """Close the section that just finished."""
        now = time.perf_counter()
        self.seconds[name] = self.seconds.get(name, 0.0) + now - self._last
        self._last = now


async def build_digest(
    store: Store,
    week: IsoWeek,
    config: DigestConfig,
    timer: Timer | None = None,
    *,
    now: datetime | None = None,
) -> Digest:
    """Every figure of ``week`` as it stands at ``now`` (default: this moment): a week still in
    progress counts only up to now ("so far"); ``timer`` (if given) learns how long each
    section took."""
    timer, weeks, now = timer or Timer(), config.history_weeks, now or utcnow()
    end = min(week.end(config.zone), max(now, week.start(config.zone)))
    window = Window(tuple(week_starts(week, config.zone, back=weeks)), end)
    volume = await _timed(timer, "headline", store.digest.volume(window=window, weeks=5))
    cube = await _timed(timer, "label cube", store.digest.cube(window=window, weeks=weeks + 1))
    topics = sections.topics(cube, str(week), history=weeks)
    top = sections.top_topics(topics, config.top_topics)
    quotes = await _timed(timer, "quotes", _quotes(store, window, top, config))
    mapping = config.groups
    groups = await _timed(
        timer, "groups", store.digest.groups(window=window, weeks=5, mapping=mapping)
    )
    polls = await _timed(timer, "polls", _polls(store, window))
    span = Span(window.starts[0], window.end, current=end < week.end(config.zone))
    items = await _timed(timer, "queue", queue(store, span, str(week)))
    actions = await _timed(timer, "actions", _actions(store, window))
    found = _Found(volume, cube, topics, quotes, groups, polls, items, actions)
    so_far = end < week.end(config.zone)
    context = Context(
        week, window.starts[0], end, so_far, config.zone, config.topic_names, config.calendar
    )
    parts: list[Part] = []
    for section in config.sections:
        part = await _timed(timer, section.name, section.build(store, context))
        parts += [part] if part is not None else []
    digest = _assemble(week, window, config, found)
    return replace(
        digest,
        so_far=so_far,
        parts=parts,
        topic_names=dict(config.topic_names),
        team_names=dict(config.team_names),
    )


async def _timed(timer: Timer, name: str, work: Awaitable[T]) -> T:
    """Await one section's query and note its time."""
    result = await work
    timer.lap(name)
    return result


@dataclass(frozen=True)
class _Found:
    """What the store answered, section by section."""

    volume: list[tuple[int, str, int, int]]
    cube: list[tuple[int, str, str, str, int]]
    topics: list[TopicLine]
    quotes: list[QuoteLine]
    groups: list[tuple[int, str, int, int]]
    polls: list[PollLine]
    queue: Queue
    actions: list[ActionLine]


def _assemble(week: IsoWeek, window: Window, config: DigestConfig, found: _Found) -> Digest:
    """The digest from its sections."""
    name, zone = str(week), config.zone
    labels = [str(week.shifted(-ago)) for ago in range(config.history_weeks + 1)]
    headline = sections.headline(found.volume, name)
    stored = any(g for _, g, _, _ in found.groups)  # people's own groups, or the entry map's
    groups = sections.who_writes(found.groups, name, param="group") if stored else []
    return Digest(
        week=name,
        starts=window.starts[0].astimezone(zone).isoformat(),
        ends=week.end(zone).astimezone(zone).isoformat(),
        until=window.end.astimezone(zone).isoformat(timespec="minutes"),
        timezone=zone.key,
        page=f"/digests/{name}",
        empty=_empty(headline[-1].messages, found),
        headline=headline,
        sentiment=sections.sentiment(found.cube, labels),
        topics=found.topics,
        rising=[t.topic for t in found.topics if t.rising],
        quotes=found.quotes,
        channels=sections.who_writes(found.volume, name, param="channel"),
        groups=groups,
        polls=found.polls,
        queue=found.queue,
        actions=found.actions,
    )


def _empty(messages: int, found: _Found) -> bool:
    """Nothing written, no poll, no action and no queue activity this week."""
    total = found.queue.total
    busy = total is not None and (total.new or total.resolved or total.csat_responses)
    return messages == 0 and not found.polls and not found.actions and not busy


async def _quotes(
    store: Store, window: Window, topics: list[str], config: DigestConfig
) -> list[QuoteLine]:
    found = await store.digest.quotes(
        window=window,
        topics=topics,
        per_topic=config.quotes_per_topic,
        confidence=config.quote_confidence,
    )
    return [
        QuoteLine(q.topic, scrub(q.text), pseudonymous_name(q.pseudonym), _message(q.message_id))
        for q in found
    ]


def _message(message_id: int) -> str:
    return link(sections.MESSAGES, message=message_id)


async def _polls(store: Store, window: Window) -> list[PollLine]:
    lines = []
    for poll_id in await store.digest.polls_between(start=window.starts[0], end=window.end):
        r = await results(store, poll_id)
        comments = await store.digest.follow_up_texts(poll_id=poll_id, limit=3)
        lines.append(
            PollLine(
                id=r.poll_id,
                question=r.question,
                kind=r.kind,
                status=r.status,
                responses=r.responses,
                answers=r.by_channel,
                options={o.key: o.label for o in r.options},
                csat=r.csat,
                nps=r.nps,
                response_rate=r.response_rate,
                follow_ups=r.follow_ups,
                comments=[scrub(text) for _, text in comments],
                link=link(sections.MESSAGES, poll=poll_id),
                web_votes=concentration_line(c) if (c := r.web_concentration) else "",
            )
        )
    return lines


async def _actions(store: Store, window: Window) -> list[ActionLine]:
    found = await store.actions.between(start=window.starts[0], end=window.end)
    told = await store.actions.told(action_ids=[a.id for a in found])
    return [
        ActionLine(
            a.id,
            a.topic,
            a.said,
            a.outcome,
            a.did,
            a.why,
            told.get(a.id, {}),
            link("/widget/you-said-we-did", topic=a.topic),
        )
        for a in found
    ]
