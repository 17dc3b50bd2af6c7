"""What every participant in a conversation test is: who says and taps, and what they heard."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Heard:
    """One thing the platform showed a person.

    ``how`` is "post" (in the chat), "reply" (in a thread, or a reply tweet), "dm", "private"
    (only they see it: ephemeral, response_url), "edit", "poll", "toast" or "stop". ``ref`` is the
    platform's id for it (Slack ts, Telegram message id, tweet id); ``options`` the labels of its
    buttons or poll options; ``raw`` the fake's record of the call, for detailed checks."""

    text: str
    how: str
    ref: str = ""
    options: tuple[str, ...] = ()
    raw: Any = None


@dataclass(frozen=True)
class Said:
    """One delivery a person made: the id the bot should store it under, and the ingress answer
    (an HTTP status for pushed platforms; 0 where the bot fetches it, as with getUpdates)."""

    platform_id: str
    status: int = 0
    answer: Any = None
    delivery: Any = None  # what was delivered, for a platform that can deliver it again


class Person(Protocol):
    """Someone on one channel talking to the bot through the real ingress."""

    channel: str

    async def says(self, text: str, *, replying_to: Heard | None = None) -> Said:
        """Send a message (in reply to something the bot sent, if given)."""
        ...

    async def taps(self, label: str, *, times: int = 1) -> Said:
        """Answer the newest poll they were shown that has ``label``; ``times`` > 1 redelivers."""
        ...

    async def redelivers(self, *, times: int = 1) -> list[Said]:
        """The platform delivers their last message or tap again, unchanged."""
        ...

    async def heard(self) -> list[Heard]:
        """Everything the platform received for them, oldest first."""
        ...


def newest_with(heard: list[Heard], label: str) -> Heard:
    """The newest thing heard that offers ``label`` as a button or poll option."""
    for item in reversed(heard):
        if label in item.options:
            return item
    shown = [item.options for item in heard if item.options]
    raise AssertionError(f"nothing heard offers {label!r}; options heard: {shown}")
