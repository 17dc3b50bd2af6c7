"""The opt-out step: a message that is only "stop" (or "start") changes whether the bot may
start conversations with that person; they get a short confirmation and nothing else runs."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.events import EventKind, OutboundMessage
from config.wording import ENGLISH, Wording
from handlers.context import Context, Stage
from handlers.speaking import Languages
from models.store import Store

_NOT_WORD = re.compile(r"[^\w]+")


@dataclass(frozen=True)
class OptWords:
    """The words (any language) that opt out or back in, from the library's config."""

    out: frozenset[str] = frozenset({"stop", "unsubscribe"})
    back: frozenset[str] = frozenset({"start"})

    @classmethod
    def of(cls, out: Iterable[str], back: Iterable[str]) -> OptWords:
        """From config lists (compared without case or punctuation)."""
        return cls(frozenset(map(normal, out)), frozenset(map(normal, back)))


def normal(text: str) -> str:
    """Lower case, punctuation and spacing dropped: 'STOP!' → 'stop'."""
    return _NOT_WORD.sub(" ", text.casefold()).strip()


def choice(text: str, words: OptWords) -> bool | None:
    """True to opt out, False to opt back in, None for any other message."""
    said = normal(text)
    if said in words.out:
        return True
    return False if said in words.back else None


class OptOut:
    """Record the choice, confirm it on the same chat in the person's language, stop the
    pipeline for this message."""

    name = "opt_out"
    stage = Stage.AFTER_STORE

    def __init__(
        self,
        store: Store,
        words: OptWords,
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
        return (
            ctx.kind is EventKind.MESSAGE
            and ctx.contact_id is not None
            and choice(ctx.text, self._words) is not None
        )

    async def run(self, batch: list[Context]) -> None:
        replies = []
        spoken = await self._languages.of_contacts([c.contact_id for c in batch if c.contact_id])
        for ctx in batch:
            out = bool(choice(ctx.text, self._words))
            assert ctx.contact_id is not None
            await self._store.opt_outs.choose(
                contact_id=ctx.contact_id, opted_out=out, message_id=ctx.message_id
            )
            key = "opt_out_reply" if out else "opt_in_reply"
            text = self._wording.text(key, spoken.get(ctx.contact_id, ENGLISH))
            replies.append(OutboundMessage(address=ctx.address, text=text, reply_ref=ctx.reply_ref))
            ctx.stopped = True
        await self._store.outbox.enqueue_many(messages=replies, author="feedbot")
        self._wake()
