"""Turning the store's aggregate rows into the digest's sections. Pure."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from handlers.digest import figures as f
from handlers.digest.model import ChannelLine, GroupLine, SentimentWeek, TopicLine
from models.classification import UNSURE

MESSAGES = "/inbox/messages"  # the messages behind a figure (bot/web/digest_behind.py)
Volume = Sequence[tuple[int, str, int, int]]
Cube = Sequence[tuple[int, str, str, str, int]]


def _by_key(rows: Volume) -> dict[str, dict[int, tuple[int, int]]]:
    table: dict[str, dict[int, tuple[int, int]]] = defaultdict(dict)
    for ago, key, messages, people in rows:
        table[key][ago] = (messages, people)
    return table


def _line(channel: str, weeks: dict[int, tuple[int, int]], week: str) -> ChannelLine:
    counts = [weeks.get(ago, (0, 0))[0] for ago in range(5)]
    average = f.mean(counts[1:5])
    return ChannelLine(
        channel=channel,
        messages=counts[0],
        people=weeks.get(0, (0, 0))[1],
        last_week=counts[1],
        average_4w=average,
        change_last_week=f.change(counts[0], counts[1]),
        change_average=f.change(counts[0], average),
        link=f.link(MESSAGES, channel="" if channel == "all" else channel, week=week),
    )


def headline(rows: Volume, week: str) -> list[ChannelLine]:
    """Per channel and for all channels (people are per channel, so they add up)."""
    table = _by_key(rows)
    total: dict[int, tuple[int, int]] = {}
    for weeks in table.values():
        for ago, (n, p) in weeks.items():
            m0, p0 = total.get(ago, (0, 0))
            total[ago] = (m0 + n, p0 + p)
    lines = [_line(c, table[c], week) for c in sorted(table)]
    return [*lines, _line("all", total, week)]


def sentiment(cube: Cube, weeks: Sequence[str], *, count: int = 8) -> list[SentimentWeek]:
    """Sentiment counts and shares for the newest ``count`` weeks, oldest first."""
    per: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for ago, _, _, mood, n in cube:
        per[ago][mood] += n
    return [
        SentimentWeek(
            week=weeks[ago],
            total=sum(per[ago].values()),
            counts={s: per[ago].get(s, 0) for s in (*f.SENTIMENTS, UNSURE)},
            shares=f.shares(per[ago]),
            link=f.link(MESSAGES, week=weeks[ago]),
        )
        for ago in reversed(range(count))
    ]


def topics(cube: Cube, week: str, *, history: int = 8) -> list[TopicLine]:
    """Every topic seen this week or last, biggest first, with net sentiment and rising flag."""
    per: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    moods: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for ago, _, topic, mood, n in cube:
        per[topic][ago] += n
        if ago == 0:
            moods[topic][mood] += n
    lines = [
        _topic(topic, weeks, moods[topic], week, history)
        for topic, weeks in per.items()
        if weeks.get(0) or weeks.get(1)
    ]
    return sorted(lines, key=lambda t: (-t.count, t.topic))


def _topic(
    topic: str, weeks: dict[int, int], moods: dict[str, int], week: str, history: int
) -> TopicLine:
    count, before = weeks.get(0, 0), [weeks.get(ago, 0) for ago in range(1, history + 1)]
    return TopicLine(
        topic=topic,
        count=count,
        last_week=before[0],
        usual=f.mean(before),
        change=f.change(count, before[0]),
        net_sentiment=f.net(moods),
        rising=topic not in f.NOT_TOPICS and f.rising(count, before),
        link=f.link(MESSAGES, topic=topic, week=week),
    )


def top_topics(lines: Sequence[TopicLine], count: int) -> list[str]:
    """The biggest real topics this week (not 'unsure')."""
    return [t.topic for t in lines if t.count and t.topic not in f.NOT_TOPICS][:count]


def who_writes(rows: Volume, week: str, *, param: str) -> list[GroupLine]:
    """Messages and people per channel or group this week; quiet ones flagged."""
    table = _by_key(rows)
    return [
        GroupLine(
            group=key or "unknown",
            messages=table[key].get(0, (0, 0))[0],
            people=table[key].get(0, (0, 0))[1],
            average_4w=(avg := f.mean([table[key].get(a, (0, 0))[0] for a in range(1, 5)])),
            quiet=f.quiet(table[key].get(0, (0, 0))[0], avg),
            link=f.link(MESSAGES, **{param: key or "unknown"}, week=week),
        )
        for key in sorted(table)
    ]
