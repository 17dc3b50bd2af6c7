"""What a vote means: which option keys a tap, a native answer or a typed number stands for.
Pure; the store applies the result (``models.store.polls.votes.Choose``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from models.store.polls.definitions import PollView


def option_key(value: str) -> str:
    """The option key in a button's value: "fbpoll-7:yes" (our "ref:key") → "yes"."""
    return value.rpartition(":")[2]


def tapped_keys(poll: PollView, raw: Sequence[str]) -> tuple[str, ...]:
    """Option keys from button values, in order, once each, unknown keys dropped."""
    keys = {k for k, _ in poll.options}
    return tuple(dict.fromkeys(option_key(o) for o in raw if option_key(o) in keys))


def by_position(poll: PollView, raw: Sequence[str]) -> tuple[str, ...]:
    """Option keys from a native poll's answer, which names option positions."""
    picked = [int(o) for o in raw if o.isdigit() and int(o) < len(poll.options)]
    return tuple(poll.options[i][0] for i in picked)


def toggle(current: tuple[str, ...], key: str) -> tuple[str, ...]:
    """A tap on a multi-choice option: adds it, or takes it back when already chosen."""
    return tuple(k for k in current if k != key) if key in current else (*current, key)


def chosen(
    poll: PollView,
    raw: Sequence[str],
    native: bool,
    before: Callable[[], tuple[str, ...]],
) -> tuple[str, ...]:
    """The answer a vote stands for. A native answer is the whole new answer; so is a tap on a
    single-answer poll; one tap on a multi-choice poll toggles that option in the person's
    current answer (``before``, read only then)."""
    if native:
        return by_position(poll, raw)
    keys = tapped_keys(poll, raw)
    if poll.kind == "multi" and len(keys) == 1:
        return toggle(before(), keys[0])
    return keys
