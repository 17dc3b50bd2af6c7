"""Pipeline steps of reaching out: joining or leaving the advisory panel (a message that is only
one of the configured words, the widget's button, which sends such a word, or a poll option
``join_panel`` / ``leave_panel``), and asking "may we contact you again now and then?" once,
after a person answers a poll or the satisfaction question, in their own conversation."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

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
from config.wording import ENGLISH, Wording
from handlers.context import Context, Stage
from handlers.opt_out import normal
from handlers.speaking import Languages
from models.store import Store

JOIN_OPTION = "join_panel"
LEAVE_OPTION = "leave_panel"
PRIVATE = (ConversationKind.DIRECT, ConversationKind.WIDGET)


@dataclass(frozen=True)
class PanelWords:
    """The words (any language) that join or leave the panel, compared like opt-out words."""

    join: frozenset[str]
    leave: frozenset[str]

    @classmethod
    def of(cls, join: Iterable[str], leave: Iterable[str]) -> PanelWords:
        """From config lists."""
        return cls(frozenset(map(normal, join)), frozenset(map(normal, leave)))

    def choice(self, ctx: Context) -> bool | None:
        """For a message: True to join, False to leave, None for anything else."""
        if ctx.kind is not EventKind.MESSAGE:
            return None
        said = normal(ctx.text)
        return True if said in self.join else False if said in self.leave else None


def option_choice(options: Iterable[str]) -> bool | None:
    """For a poll answer: True when it chose ``join_panel``, False ``leave_panel``, else None."""
    chosen = set(options)
    return True if JOIN_OPTION in chosen else False if LEAVE_OPTION in chosen else None


class JoinPanel:
    """Record a join or leave and confirm it in the person's language; a keyword message goes
    no further (a vote goes on to be counted)."""

    name = "panel"
    stage = Stage.AFTER_STORE

    def __init__(
        self,
        store: Store,
        words: PanelWords,
        wording: Wording,
        languages: Languages,
        wake_outbox: Callable[[], None],
    ) -> None:
        self._store = store
        self._words = words
        self._wording = wording
        self._languages = languages
        self._wake = wake_outbox

    def applies(self, ctx: Context) -> bool:
        if ctx.contact_id is None:
            return False
        return ctx.kind is EventKind.VOTE or self._words.choice(ctx) is not None

    async def run(self, batch: list[Context]) -> None:
        votes = [c.message_id for c in batch if c.kind is EventKind.VOTE]
        options = await self._store.reach.vote_options(message_ids=votes) if votes else {}
        chosen = [(c, j) for c in batch if (j := self._choice(c, options)) is not None]
        if not chosen:
            return
        spoken = await self._languages.of_contacts([c.contact_id or 0 for c, _ in chosen])
        replies = [
            await self._apply(ctx, joining, spoken.get(ctx.contact_id or 0, ENGLISH))
            for ctx, joining in chosen
        ]
        await self._store.outbox.enqueue_many(messages=replies, author="feedbot:panel")
        self._wake()

    def _choice(self, ctx: Context, options: Mapping[int, list[str]]) -> bool | None:
        if ctx.kind is EventKind.VOTE:
            return option_choice(options.get(ctx.message_id, []))
        return self._words.choice(ctx)

    async def _apply(self, ctx: Context, joining: bool, language: str) -> OutboundMessage:
        """Join or leave; the confirmation. A keyword message goes no further."""
        assert ctx.contact_id is not None
        if joining:
            via = _via(ctx)
            changed = await self._store.reach.join_panel(contact_id=ctx.contact_id, via=via)
            key = "reach.panel_joined" if changed else "reach.panel_already"
        else:
            changed = await self._store.reach.leave_panel(contact_id=ctx.contact_id)
            key = "reach.panel_left" if changed else "reach.panel_not_member"
        ctx.stopped = ctx.kind is EventKind.MESSAGE
        text = self._wording.text(key, language)
        return OutboundMessage(address=ctx.address, text=text, reply_ref=ctx.reply_ref)


def _via(ctx: Context) -> str:
    """How the person joined: a poll option, the widget's button (which sends the word) or a
    keyword on a chat."""
    if ctx.kind is EventKind.VOTE:
        return "poll"
    return "widget" if ctx.channel is Channel.WIDGET else "keyword"


@dataclass(frozen=True)
class ConsentQuestion:
    """ "May we contact you again now and then?" as a yes/no poll: buttons where the channel
    has them, else "reply with a number"; in the person's language."""

    wording: Wording
    capabilities: Mapping[Channel, Capabilities]

    @property
    def question(self) -> str:
        """The question as stored with its poll (in English)."""
        return self.wording.text("reach.consent_question")

    def message(self, poll_id: int, address: Address, language: str) -> OutboundMessage:
        """The question for this conversation's channel, in ``language``."""
        ref = poll_ref(poll_id)
        say = self.wording.speaking(language)
        text = say.text("reach.consent_question")
        yes, no = say.text("polls.option_yes"), say.text("polls.option_no")
        caps = self.capabilities.get(address.channel)
        if caps is not None and caps.buttons:
            buttons = (Button(yes, f"{ref}:yes"), Button(no, f"{ref}:no"))
            return OutboundMessage(address=address, text=text, buttons=buttons, poll_ref=ref)
        prompt = f"{text}\n{say.text('polls.reply_choice')}\n1 = {yes}\n2 = {no}"
        return OutboundMessage(address=address, text=prompt, poll_ref=ref)


class AskConsent:
    """After a person's answer to a poll (the satisfaction question included), ask once whether
    the library may contact them again, in their own conversation (never in a group or in
    public; never someone who said "stop")."""

    name = "ask_consent"
    stage = Stage.AFTER_STORE

    def __init__(
        self,
        store: Store,
        ask: ConsentQuestion,
        languages: Languages,
        wake_outbox: Callable[[], None],
    ) -> None:
        self._store = store
        self._ask = ask
        self._languages = languages
        self._wake = wake_outbox

    def applies(self, ctx: Context) -> bool:
        return (
            ctx.kind is EventKind.VOTE
            and ctx.contact_id is not None
            and ctx.address.kind in PRIVATE
            and ctx.address.channel in self._ask.capabilities
        )

    async def run(self, batch: list[Context]) -> None:
        people = {c.contact_id: c for c in batch if c.contact_id is not None}
        spoken = await self._languages.of_contacts(list(people))
        asked = 0
        for contact_id, ctx in people.items():
            asked += await self._store.reach.ask_consent(
                contact_id=contact_id,
                address=ctx.address,
                ask=self._ask,
                language=spoken.get(contact_id, ENGLISH),
            )
        if asked:
            self._wake()
