"""A digest as Markdown: the `digest build --format md` output and the e-mail's plain text."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from handlers.digest.model import Digest, QueueTeam
from handlers.digest.render import NONE, duration, pct, signed
from handlers.text_direction import shown

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def escape(text: str) -> str:
    """Text with Markdown's special characters escaped and lines joined."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _table(head: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return [*lines, *("| " + " | ".join(r) + " |" for r in rows), ""]


def _a(text: object, url: str, base: str) -> str:
    return f"[{text}]({base}{url})"


def markdown(d: Digest, *, library: str, base: str = "") -> str:
    """The whole digest; an empty week is one short note."""
    so_far = ", so far" if d.so_far else ""
    out = [f"# {escape(library)}: weekly digest {d.week}{so_far}", ""]
    out += [f"{period(d)}. Web page: {base}{d.page}", ""]
    for part in d.first_parts:
        out += [f"## {escape(part.title)}", "", *part.text(base), ""]
    if d.empty:
        note = (
            f"No feedback {'so far ' if d.so_far else ''}this week: no messages, polls or actions."
        )
        return "\n".join([*out, note, ""])
    for section in (_headline, _sentiment, _topics, _groups, _polls, _queue, _actions):
        out += section(d, base)
    for part in d.last_parts:
        out += [f"## {escape(part.title)}", "", *part.text(base), ""]
    return "\n".join(out)


def period(d: Digest) -> str:
    """What the figures cover, in words."""
    if d.so_far:
        return (
            f"Week in progress: from Monday {d.starts[:10]} up to {d.until[:10]} {d.until[11:16]} "
            f"({d.timezone}) only; open and overdue as they stand now"
        )
    return f"Monday {d.starts[:10]} to Sunday ({d.timezone})"


def _headline(d: Digest, base: str) -> list[str]:
    head = ["Channel", "Messages", "People", "Last week", "Change", "4-week avg", "Change"]
    rows = [
        (
            c.channel,
            _a(c.messages, c.link, base),
            str(c.people),
            str(c.last_week),
            pct(c.change_last_week),
            f"{c.average_4w:g}",
            pct(c.change_average),
        )
        for c in d.headline
    ]
    return ["## Messages and people", "", *_table(head, rows)]


def _sentiment(d: Digest, base: str) -> list[str]:
    rows = [
        (
            s.week,
            _a(s.total, s.link, base),
            *(f"{s.shares[m]:g}% ({s.counts[m]})" for m in ("negative", "neutral", "positive")),
            str(s.counts.get("unsure", 0)),
        )
        for s in d.sentiment
    ]
    head = ["Week", "Messages", "Negative", "Neutral", "Positive", "Unsure"]
    return ["## Sentiment", "", *_table(head, rows)]


def _topics(d: Digest, base: str) -> list[str]:
    rising = ", ".join(d.topic(t) for t in d.rising) or "none"
    rows = [
        (
            escape(d.topic(t.topic)),
            _a(t.count, t.link, base),
            str(t.last_week),
            pct(t.change),
            f"{t.usual:g}",
            signed(t.net_sentiment),
            "yes" if t.rising else "no",
        )
        for t in d.topics
    ]
    head = ["Topic", "Messages", "Last week", "Change", "Usual", "Net sentiment", "Rising"]
    quotes = [
        f"> {escape(shown(q.text))}  \n> — {q.who}, on {escape(d.topic(q.topic))}\n"
        for q in d.quotes
    ]
    return ["## Topics", "", f"Rising: {escape(rising)}", "", *_table(head, rows), *quotes]


def _groups(d: Digest, base: str) -> list[str]:
    out = ["## Who is writing, and who is quiet", ""]
    for title, lines in (("Per channel", d.channels), ("Per customer group", d.groups)):
        if lines:
            rows = [
                (
                    escape(g.group),
                    _a(g.messages, g.link, base),
                    str(g.people),
                    f"{g.average_4w:g}",
                    "quiet" if g.quiet else "no",
                )
                for g in lines
            ]
            out += [
                f"### {title}",
                "",
                *_table(["Who", "Messages", "People", "4-week avg", "Quiet"], rows),
            ]
    return out


def _polls(d: Digest, base: str) -> list[str]:
    out = ["## Polls this week", ""]
    for p in d.polls:
        scores = [
            f"CSAT {p.csat:g}%" if p.csat is not None else "",
            f"NPS {signed(p.nps)}" if p.nps is not None else "",
            f"response rate {p.response_rate:g}%" if p.response_rate is not None else "",
        ]
        facts = " · ".join(s for s in [_a(f"{p.responses} answers", p.link, base), *scores] if s)
        answers = "; ".join(
            f"{ch}: " + ", ".join(f"{p.options.get(k, k)} {n}" for k, n in a.items())
            for ch, a in p.answers.items()
        )
        out += [
            f"### {escape(p.question)}",
            "",
            facts,
            "",
            f"Answers per channel: {answers or 'none'}",
            "",
            *([f"Web votes: {p.web_votes}", ""] if p.web_votes else []),
        ]
        out += [f"> {escape(shown(c))}\n" for c in p.comments]
    return out if d.polls else [*out, "No poll ran or closed this week.", ""]


def _queue(d: Digest, base: str) -> list[str]:
    out = ["## The queue", ""]
    q = d.queue.total
    if q is not None:
        out += [
            f"{_a(f'{q.new} new', q.links['new'], base)}, "
            f"{_a(f'{q.resolved} resolved', q.links['resolved'], base)}, "
            f"{_a(f'{q.open} still open', q.links['open'], base)} {_then(d)}, of which "
            f"{_a(f'{q.overdue} overdue', q.links['overdue'], base)}.",
            "",
        ]
        head = ["Team", "New", "Resolved", "Open", "Overdue", "First response median / 90th"]
        head += ["Resolution median / 90th", "CSAT"]
        out += _table(head, [_team_row(d, t, base) for t in d.queue.teams])
    out += ["### Oldest negative items still waiting", ""]
    out += [
        f"- {_a(f'Item {w.id}', w.link, base)}: {escape(d.topic(w.topic) or 'no topic')}, "
        f"on {w.channel}, "
        f"{escape(d.team(w.team))}, waiting {duration(w.waited)}"
        for w in d.queue.waiting
    ] or [f"No negative item was left waiting {_then(d)}."]
    return [*out, ""]


def _then(d: Digest) -> str:
    return "now" if d.so_far else "at the week's end"


def _team_row(d: Digest, t: QueueTeam, base: str) -> list[str]:
    answers = _a(t.csat_responses, t.links["csat"], base)
    csat = f"{t.csat:g}% ({answers} of {t.csat_asked})" if t.csat is not None else NONE
    return [
        escape(d.team(t.team)),
        _a(t.new, t.links["new"], base),
        _a(t.resolved, t.links["resolved"], base),
        _a(t.open, t.links["open"], base),
        _a(t.overdue, t.links["overdue"], base),
        f"{duration(t.first_response.median)} / {duration(t.first_response.p90)} "
        f"({_a(t.first_response.items, t.links['first_response'], base)})",
        f"{duration(t.resolution.median)} / {duration(t.resolution.p90)}",
        csat,
    ]


def _actions(d: Digest, base: str) -> list[str]:
    out = ["## You said, we did", ""]
    for a in d.actions:
        answer = (
            f"We did: {escape(a.did)}"
            if a.outcome == "did"
            else (f"We cannot: {escape(a.did)}. Why: {escape(a.why)}")
        )
        told = ", ".join(f"{n} on {ch}" for ch, n in a.told.items()) or "nobody yet"
        said = escape(shown(a.said))
        out += [f"- **{escape(d.topic(a.topic))}**: you said: {said}. {answer}. Told: {told}."]
    return [*out, ""] if d.actions else [*out, "No actions were recorded this week.", ""]
