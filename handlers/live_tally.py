"""Live results on Slack: the poll message is edited to show the tally, at most every pass of
the job (15 s) and only when votes changed, so a burst of votes makes a few edits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from bot.events import Address, Channel, ConversationKind, OutboundMessage
from handlers.poll_results import Results
from handlers.polls import poll_message, results
from models.store import Store
from models.store.polls import Target

EVERY = timedelta(seconds=15)


class LiveTally:
    """A job (see handlers/jobs.py): refresh the live tallies; one process at a time, by lease."""

    name = "live-tally"

    def __init__(self, store: Store, wake: Callable[[], None], *, every: timedelta = EVERY):
        self._store = store
        self._wake = wake
        self.every = every

    async def run(self, now: datetime) -> None:
        """Queue the edits that votes since the last pass call for."""
        await refresh(self._store, self._wake)


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
        if await store.get(name) == mark:
            continue
        shown = poll_message(poll, Target(Channel.SLACK.value, chat))
        text = f"{shown.text}\n{tally_line(await results(store, poll_id))}"
        address = Address(Channel.SLACK, chat=chat, kind=ConversationKind.GROUP)
        meta = {**shown.meta, "edit_ref": ts}
        edit = OutboundMessage(
            address=address, text=text, buttons=shown.buttons, kind="poll", meta=meta
        )
        await store.enqueue(edit, author="feedbot:poll")
        await store.set(name, mark)
        edits += 1
    if edits:
        wake()
    return edits
