"""A digest as plain text: the e-mail's text part. Short lines a person reads as they are (no
Markdown, no tables, no link after every figure): each figure in words, and one link to the
web page, where every figure opens the messages or items behind it."""

from __future__ import annotations

from handlers.digest.markdown import period
from handlers.digest.model import Digest
from handlers.digest.render import NONE, duration, pct, signed
from handlers.text_direction import shown


def plain(d: Digest, *, library: str, base: str = "") -> str:
    """The whole digest as text; an empty week is one short note."""
    so_far = ", so far" if d.so_far else ""
    out = [f"{library}: weekly digest {d.week}{so_far}", "", f"{period(d)}.", ""]
    out += ["Every figure, and the messages behind it, on the web page:", f"{base}{d.page}", ""]
    for part in d.first_parts:
        out += _heading(part.title) + part.text(base) + [""]
    if d.empty:
        return "\n".join([*out, f"No feedback {'so far ' if d.so_far else ''}this week.", ""])
    out += _headline(d) + _topics(d) + _polls(d) + _queue(d) + _actions(d)
    for part in d.last_parts:
        out += _heading(part.title) + part.text(base) + [""]
    return "\n".join(out)


def _heading(title: str) -> list[str]:
    return [title.upper(), ""]


def _headline(d: Digest) -> list[str]:
    out = _heading("Messages and people")
    for c in d.headline:
        name = "All channels" if c.channel == "all" else c.channel
        out.append(
            f"{name}: {c.messages} messages from {c.people} people "
            f"({pct(c.change_last_week)} on last week's {c.last_week}; "
            f"usual week {c.average_4w:g})"
        )
    newest = d.sentiment[-1] if d.sentiment else None
    if newest is not None and newest.total:
        shares = ", ".join(
            f"{newest.shares[m]:g}% {m}" for m in ("negative", "neutral", "positive")
        )
        out += ["", f"Sentiment: {shares}."]
    return [*out, ""]


def _topics(d: Digest) -> list[str]:
    out = _heading("Topics")
    rising = ", ".join(d.topic(t) for t in d.rising)
    out += [f"Rising: {rising}." if rising else "No topic is rising far above its usual rate."]
    for t in d.topics[:10]:
        out.append(
            f"- {d.topic(t.topic)}: {t.count} (last week {t.last_week}, usual {t.usual:g}; "
            f"net sentiment {signed(t.net_sentiment)})"
        )
    for q in d.quotes:
        out += ["", f'  "{" ".join(shown(q.text).split())}"', f"  ({q.who}, on {d.topic(q.topic)})"]
    return [*out, ""]


def _polls(d: Digest) -> list[str]:
    out = _heading("Polls this week")
    for p in d.polls:
        scores = [
            f"CSAT {p.csat:g}%" if p.csat is not None else "",
            f"NPS {signed(p.nps)}" if p.nps is not None else "",
            f"response rate {p.response_rate:g}%" if p.response_rate is not None else "",
        ]
        facts = ", ".join(s for s in [f"{p.responses} answers", *scores] if s)
        out += [f"- {' '.join(p.question.split())}: {facts} ({p.status})"]
    return [*out, "No poll ran or closed this week." if not d.polls else "", ""]


def _queue(d: Digest) -> list[str]:
    out = _heading("The queue")
    q = d.queue.total
    if q is None:
        return [*out, "Nothing in the queue this week.", ""]
    then = "now" if d.so_far else "at the week's end"
    out += [
        f"{q.new} new, {q.resolved} resolved, {q.open} still open {then} ({q.overdue} overdue).",
        f"First response: median {duration(q.first_response.median)}, "
        f"90th percentile {duration(q.first_response.p90)}.",
        f"Resolution: median {duration(q.resolution.median)}.",
    ]
    if q.csat is not None:
        out.append(f"CSAT after resolve: {q.csat:g}% ({q.csat_responses} of {q.csat_asked} asked).")
    for t in d.queue.teams[:-1]:
        csat = f"{t.csat:g}%" if t.csat is not None else NONE
        out.append(
            f"- {d.team(t.team)}: {t.new} new, {t.resolved} resolved, {t.open} open, "
            f"{t.overdue} overdue; first response {duration(t.first_response.median)}; "
            f"CSAT {csat}"
        )
    for w in d.queue.waiting:
        topic = d.topic(w.topic) if w.topic else "no topic"
        out.append(f"- Waiting: item {w.id}, {topic}, on {w.channel}, {duration(w.waited)}")
    return [*out, ""]


def _actions(d: Digest) -> list[str]:
    out = _heading("You said, we did")
    for a in d.actions:
        answer = f"We did: {a.did}" if a.outcome == "did" else f"We cannot: {a.did} Why: {a.why}"
        told = ", ".join(f"{n} on {ch}" for ch, n in a.told.items()) or "nobody yet"
        out += [
            f"- {d.topic(a.topic)}",
            f"  You said: {shown(a.said)}",
            f"  {answer}",
            f"  Told: {told}.",
        ]
    return [*out, "No actions were recorded this week." if not d.actions else "", ""]
