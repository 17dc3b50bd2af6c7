"""The once-only questions asked after a person has been answered (their vote on a poll or on
the satisfaction question), in their own conversation and language: "may we contact you again
now and then?" and, while their customer group is unknown, the optional "which of these are
you?" with a "prefer not to say". One per occasion; each at most once ever; never to someone
who said "stop"; counted towards and held back by the per-person contact cap."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import ClassVar

from bot.channel import Capabilities
from bot.events import (
    Address,
    Button,
    Channel,
    ConversationKind,
    EventKind,
    OutboundMessage,
    poll_ref,
)
from config.groups import CustomerGroups
from config.reach import ContactCap
from config.wording import ENGLISH, Wording
from handlers.context import Context, Stage
from handlers.polls.kinds import YES_NO
from handlers.speaking import Languages
from models.store import Store
from models.store.reach.questions import Asking, OnceAsk

PRIVATE = (ConversationKind.DIRECT, ConversationKind.WIDGET)
PREFER_NOT = "prefer_not"
MOST_GROUPS = 9
"""A choice poll holds at most 10 options: the first nine groups and "prefer not to say"."""


def _message(
    question: ConsentQuestion | GroupQuestion, poll_id: int, address: Address, language: str
) -> OutboundMessage:
    """The question for this conversation's channel, in ``language``: buttons where the
    channel has them, else "reply with a number" and a numbered list."""
    say = question.wording.speaking(language)
    text = say.text(question.key)
    labelled = question.labelled(say.language)
    ref = poll_ref(poll_id)
    caps = question.capabilities.get(address.channel)
    if caps is not None and caps.buttons:
        buttons = tuple(Button(label, f"{ref}:{key}") for key, label in labelled)
        return OutboundMessage(address=address, text=text, buttons=buttons, poll_ref=ref)
    lines = [f"{n} = {label}" for n, (_, label) in enumerate(labelled, 1)]
    prompt = "\n".join([text, say.text("polls.reply_choice"), *lines])
    return OutboundMessage(address=address, text=prompt, poll_ref=ref)


@dataclass(frozen=True)
class ConsentQuestion:
    """ "May we contact you again now and then?" as a yes/no poll."""

    wording: Wording
    capabilities: Mapping[Channel, Capabilities]
    topic: str = "consent"
    kind: str = "yes_no"
    key: ClassVar[str] = "reach.consent_question"

    @property
    def question(self) -> str:
        """The question as stored with its poll (in English)."""
        return self.wording.text(self.key)

    @property
    def options(self) -> list[tuple[str, str]]:
        """Yes and no."""
        return list(YES_NO)

    def labelled(self, language: str) -> list[tuple[str, str]]:
        """Yes and no with their labels in ``language``."""
        return [(k, self.wording.text(f"polls.option_{k}", language)) for k, _ in YES_NO]

    def message(self, poll_id: int, address: Address, language: str) -> OutboundMessage:
        """The question for this conversation's channel, in ``language``."""
        return _message(self, poll_id, address, language)


@dataclass(frozen=True)
class GroupQuestion:
    """ "Which of these best describes you?" as a choice poll of the configured groups (the
    first nine) and "prefer not to say"; labels from ``groups.<name>`` in the person's
    language, else the group's configured (staff-facing) label."""

    wording: Wording
    capabilities: Mapping[Channel, Capabilities]
    groups: CustomerGroups
    topic: str = "group"
    kind: str = "single"
    key: ClassVar[str] = "reach.group_question"

    @property
    def question(self) -> str:
        """The question as stored with its poll (in English)."""
        return self.wording.text(self.key)

    @property
    def options(self) -> list[tuple[str, str]]:
        """(group name, English label) of each group asked about, then "prefer not to say"."""
        return self.labelled(ENGLISH)

    def labelled(self, language: str) -> list[tuple[str, str]]:
        """The options with their labels in ``language``."""
        names = list(self.groups.groups)[:MOST_GROUPS]
        own = [(n, self._label(n, language)) for n in names]
        return [*own, (PREFER_NOT, self.wording.text("reach.group_prefer_not", language))]

    def _label(self, name: str, language: str) -> str:
        key = f"groups.{name}"
        if key in self.wording.english:
            return self.wording.text(key, language)
        return self.groups.label(name)

    def message(self, poll_id: int, address: Address, language: str) -> OutboundMessage:
        """The question for this conversation's channel, in ``language``."""
        return _message(self, poll_id, address, language)


class AskOnce:
    """After a person's answer to a poll (the satisfaction question included), in their own
    conversation (never in a group or in public), ask the first once-only question they were
    never asked; none when the answer was to one of these questions."""

    name = "ask_once"
    stage = Stage.AFTER_STORE

    def __init__(
        self,
        store: Store,
        asks: Sequence[OnceAsk],
        capabilities: Mapping[Channel, Capabilities],
        cap: ContactCap,
        languages: Languages,
        wake_outbox: Callable[[], None],
    ) -> None:
        self._store = store
        self._asks = tuple(asks)
        self._capabilities = capabilities
        self._cap = (cap.invitations, timedelta(days=cap.days)) if cap.invitations else None
        self._languages = languages
        self._wake = wake_outbox

    def applies(self, ctx: Context) -> bool:
        return (
            bool(self._asks)
            and ctx.kind is EventKind.VOTE
            and ctx.contact_id is not None
            and ctx.address.kind in PRIVATE
            and ctx.address.channel in self._capabilities
        )

    async def run(self, batch: list[Context]) -> None:
        people = {c.contact_id: c for c in batch if c.contact_id is not None}
        left = await self._store.reach.still_to_ask(
            contact_ids=list(people), topics=[a.topic for a in self._asks]
        )
        people = {k: c for k, c in people.items() if k in left}
        if not people:
            return  # everyone here was asked all there is: no write for their votes
        spoken = await self._languages.of_contacts(list(people))
        asking = [
            Asking(k, c.address, spoken.get(k, ENGLISH), c.message_id, c.conversation_id)
            for k, c in people.items()
        ]
        asked = await self._store.reach.ask_once_many(people=asking, asks=self._asks, cap=self._cap)
        if asked:
            self._wake()
