"""Building one week's digest from the store's aggregates, section by section."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from handlers.digest import sections
from handlers.digest.figures import link, pseudonymous_name
from handlers.digest.model import ActionLine, Digest, PollLine, Queue, QuoteLine
from handlers.digest.scrub import scrub
from handlers.digest.week import IsoWeek, week_starts
from handlers.polls import results
from models.store import Store
from models.store.digest import Window

QUEUE_PENDING = "queue figures arrive with the staff inbox"


@dataclass(frozen=True)
class DigestConfig:
    """How the digest reads the week: time zone, customer groups, quotes."""

    zone: ZoneInfo
    groups: Mapping[str, str] = field(default_factory=dict)
    top_topics: int = 3
    quotes_per_topic: int = 3
    quote_confidence: float = 0.7
    history_weeks: int = 8


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
    store: Store, week: IsoWeek, config: DigestConfig, timer: Timer | None = None
) -> Digest:
    """Every figure of ``week``; ``timer`` (if given) learns how long each section took."""
    timer = timer or Timer()
    zone, name = config.zone, str(week)
    window = Window(tuple(week_starts(week, zone, back=config.history_weeks)), week.end(zone))
    labels = [str(week.shifted(-ago)) for ago in range(config.history_weeks + 1)]
    volume = await store.digest.volume(window=window, weeks=5)
    headline, channels = (
        sections.headline(volume, name),
        sections.who_writes(volume, name, param="channel"),
    )
    timer.lap("headline")
    cube = await store.digest.cube(window=window, weeks=config.history_weeks + 1)
    sentiment = sections.sentiment(cube, labels)
    topics = sections.topics(cube, name, history=config.history_weeks)
    timer.lap("sentiment and topics")
    quotes = await _quotes(store, window, sections.top_topics(topics, config.top_topics), config)
    timer.lap("quotes")
    groups = await store.digest.groups(window=window, weeks=5, mapping=config.groups)
    timer.lap("customer groups")
    polls = await _polls(store, window)
    timer.lap("polls")
    actions = await _actions(store, window)
    timer.lap("actions")
    return Digest(
        week=name,
        starts=window.starts[0].astimezone(zone).isoformat(),
        ends=window.end.astimezone(zone).isoformat(),
        timezone=zone.key,
        page=f"/digests/{name}",
        empty=headline[-1].messages == 0 and not polls and not actions,
        headline=headline,
        sentiment=sentiment,
        topics=topics,
        rising=[t.topic for t in topics if t.rising],
        quotes=quotes,
        channels=channels,
        groups=sections.who_writes(groups, name, param="group") if config.groups else [],
        polls=polls,
        queue=Queue(available=False, note=QUEUE_PENDING),
        actions=actions,
    )


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
    return link("/inbox/", message=message_id)


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
                link=link("/inbox/", poll=poll_id),
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
