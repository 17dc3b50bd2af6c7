"""Pipeline steps of reaching out: joining or leaving the advisory panel (a message that is only
one of the configured words, the widget's button, which sends such a word, or a poll option
``join_panel`` / ``leave_panel``). The once-only questions asked after an answer are in
``handlers.reach.once``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from bot.events import Channel, EventKind, OutboundMessage
from config.wording import ENGLISH, Wording
from handlers.context import Context, Stage
from handlers.opt_out import normal
from handlers.speaking import Languages
from models.store import Store

JOIN_OPTION = "join_panel"
LEAVE_OPTION = "leave_panel"


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
