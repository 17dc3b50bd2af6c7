"""The poll steps of the pipeline: count votes (and confirm or ask the follow-up), link a
person's next message to their low answer, and turn a numbered reply into a vote."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from bot.channel import Capabilities
from bot.events import Channel, EventKind, OutboundMessage
from config.wording import ENGLISH, Speech, Wording
from handlers.context import Context, Stage
from handlers.polls.answers import chosen
from handlers.polls.kinds import is_low, numbered_choice
from handlers.polls.service import FOLLOW_UP_WINDOW
from handlers.speaking import Languages
from models.store import Store
from models.store.polls.votes import Cast, Outcome


class Tally:
    """Count votes (the latest per person counts); a vote after close is answered, not counted.
    What a voter is told is in the language remembered for them."""

    name = "tally"
    stage = Stage.AFTER_STORE

    def __init__(
        self,
        store: Store,
        capabilities: Mapping[Channel, Capabilities],
        wake_outbox: Callable[[], None],
        wording: Wording,
        languages: Languages,
    ) -> None:
        self._store = store
        self._caps = capabilities
        self._wake = wake_outbox
        self._wording = wording
        self._languages = languages

    def applies(self, ctx: Context) -> bool:
        return ctx.kind is EventKind.VOTE

    async def run(self, batch: list[Context]) -> None:
        casts = await self._store.polls.cast(
            message_ids=[c.message_id for c in batch], choose=chosen
        )
        people = sorted({c.contact_id for c in batch if c.contact_id is not None})
        spoken = await self._languages.of_contacts(people)
        says = [self._wording.speaking(spoken.get(c.contact_id or 0, ENGLISH)) for c in batch]
        replies = await self._confirmations(batch, casts, says)
        replies += await self._follow_ups(batch, casts, says)
        if replies:
            await self._store.outbox.enqueue_many(messages=replies, author="feedbot:poll")
            self._wake()

    async def _confirmations(
        self, batch: list[Context], casts: list[Cast], says: list[Speech]
    ) -> list[OutboundMessage]:
        """Tell each voter privately what was recorded where the channel can answer privately
        (its buttons show no selection); tell anyone who answers a closed poll that it has
        closed. Someone who clicked several times in one batch hears once, about the answer
        that counts."""
        acks = [self._private_acks(c) for c in batch]
        people = [c.contact_id for c, a in zip(batch, acks, strict=True) if a and c.contact_id]
        users = await self._store.messages.platform_users(contact_ids=people) if people else {}
        notes: dict[object, OutboundMessage] = {}
        for n, (ctx, cast) in enumerate(zip(batch, casts, strict=True)):
            text = _confirmation(cast, says[n]) if acks[n] else ""
            if cast.outcome is Outcome.CLOSED:
                text = says[n].text("polls.closed_not_counted")
            if text:
                private = users.get(ctx.contact_id or 0, "")
                hook = cast.reply_hook if private else ""
                who = (ctx.contact_id, cast.poll.id if cast.poll else None) if ctx.contact_id else n
                notes.pop(who, None)
                notes[who] = OutboundMessage(
                    address=ctx.address, text=text, private_to=private, reply_hook=hook
                )
        return list(notes.values())

    def _private_acks(self, ctx: Context) -> bool:
        caps = self._caps.get(ctx.channel)
        return caps is not None and caps.private_acks

    async def _follow_ups(
        self, batch: list[Context], casts: list[Cast], says: list[Speech]
    ) -> list[OutboundMessage]:
        """The follow-up question, once per vote, after a low answer."""
        low = {
            cast.vote_id: (ctx, say)
            for ctx, cast, say in zip(batch, casts, says, strict=True)
            if _wants_follow_up(cast)
        }
        asked = await self._store.polls.ask_follow_ups(vote_ids=list(low)) if low else set()
        questions: dict[int, OutboundMessage] = {}
        for cast in casts:
            if cast.vote_id in asked and cast.poll is not None:
                ctx, say = low[cast.vote_id]
                text = self._wording.translated(cast.poll.follow_up, say.language)
                questions[cast.vote_id] = OutboundMessage(address=ctx.address, text=text)
        return list(questions.values())


def _confirmation(cast: Cast, say: Speech) -> str:
    if cast.poll is None or cast.outcome not in (Outcome.COUNTED, Outcome.RETRACTED):
        return ""
    if cast.outcome is Outcome.RETRACTED:
        return say.text("polls.answer_taken_back")
    labels = (say.wording.translated(cast.poll.label(k), say.language) for k in cast.options)
    return say.text("polls.answer_counted", answer=", ".join(labels))


def _wants_follow_up(cast: Cast) -> bool:
    return (
        cast.outcome is Outcome.COUNTED
        and cast.poll is not None
        and bool(cast.poll.follow_up)
        and is_low(cast.poll.kind, cast.options)
    )


class LinkFollowUp:
    """A person's next message after a low answer is linked to that vote."""

    name = "link_follow_up"
    stage = Stage.AFTER_STORE

    def __init__(self, store: Store) -> None:
        self._store = store

    def applies(self, ctx: Context) -> bool:
        return ctx.kind is EventKind.MESSAGE and ctx.contact_id is not None

    async def run(self, batch: list[Context]) -> None:
        pairs = [(c.contact_id, c.message_id) for c in batch if c.contact_id is not None]
        await self._store.polls.link_follow_ups(pairs=pairs, window=FOLLOW_UP_WINDOW)


class ReplyVote:
    """A reply to a poll that asked for a number ("3") becomes a vote, on channels where polls
    are answered by reply (X without a native poll)."""

    name = "reply_vote"
    stage = Stage.AFTER_STORE

    def __init__(self, store: Store, capabilities: Mapping[Channel, Capabilities]) -> None:
        self._store = store
        self._caps = capabilities

    def applies(self, ctx: Context) -> bool:
        caps = self._caps.get(ctx.channel)
        return ctx.kind is EventKind.MESSAGE and caps is not None and caps.votes_by_reply

    async def run(self, batch: list[Context]) -> None:
        for ctx in batch:
            poll_id = await self._store.polls.posted_as(
                channel=ctx.channel.value, platform_id=ctx.address.chat
            )
            poll = await self._store.polls.get(poll_id=poll_id) if poll_id is not None else None
            keys = numbered_choice(ctx.text, poll.options, poll.kind == "multi") if poll else []
            if poll is not None and keys:
                await self._store.polls.reply_to_vote(
                    message_id=ctx.message_id, poll_id=poll.id, keys=keys
                )
                ctx.kind = EventKind.VOTE
