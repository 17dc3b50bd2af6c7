"""Whether a vote can count: the poll exists, is open on the channel, and has the option."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from models.store.polls.definitions import PollView


class Problem(enum.StrEnum):
    """Why a vote is refused."""

    NO_POLL = "no_poll"
    NOT_OPEN = "not_open"
    NO_OPTION = "no_option"


@dataclass(frozen=True)
class Refusal:
    """A refused vote: the kind of problem and a sentence for the person."""

    problem: Problem
    reason: str


def refusal(poll: PollView | None, *, channel: str, options: Sequence[str]) -> Refusal | None:
    """None when the vote may count, else why not."""
    if poll is None or channel not in {t.channel for t in poll.targets}:
        return Refusal(Problem.NO_POLL, "there is no such poll here")
    if poll.status != "open":
        state = "closed" if poll.status == "closed" else "not open yet"
        return Refusal(Problem.NOT_OPEN, f"this poll is {state}")
    keys = {key for key, _ in poll.options}
    unknown = [o for o in options if o not in keys]
    if unknown:
        return Refusal(Problem.NO_OPTION, f"this poll has no option {unknown[0]!r}")
    return None
