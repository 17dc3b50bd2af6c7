"""Live results on Slack: the poll message is edited to show the tally, at most every pass of
the scheduler (15 s) and only when votes changed, so a burst of votes makes a few edits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from bot.events import Channel
from handlers.poll_results import Results
from handlers.polls import poll_message, results
from models.store import Store
from models.store.polls import Target


def tally_line(r: Results) -> str:
    """e.g. 'So far (12 answers): Yes 75% · No 25%'."""
    shares = " · ".join(f"{o.label} {o.percent:g}%" for o in r.options if o.count)
    return f"So far ({r.responses} answers): {shares or 'no answers yet'}"


async def refresh(store: Store, wake: Callable[[], None]) -> int:
    """Queue an edit of every live Slack poll whose votes changed; returns how many."""
    edits = 0
    for poll_id, chat, ts in await store.poll_posts(Channel.SLACK.value):
        poll = await store.poll(poll_id)
        if poll is None or not poll.live_results:
            continue
        mark, name = await store.poll_vote_mark(poll_id), f"poll.{poll_id}.live.{ts}"
        if await store.cursors.get(name) == mark:
            continue
        shown = poll_message(poll, Target(Channel.SLACK.value, chat))
        text = f"{shown.text}\n{tally_line(await results(store, poll_id))}"
        edit = replace(shown, text=text, edit_of=ts)
        await store.enqueue(edit, author="feedbot:poll")
        await store.cursors.set(name, mark)
        edits += 1
    if edits:
        wake()
    return edits
