"""Poll use cases and steps: create (checked against each channel), send, vote, follow up, close."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import timedelta

from bot.adapters.base import Capabilities
from bot.events import (
    Address,
    Button,
    Channel,
    ConversationKind,
    EventKind,
    OutboundMessage,
    poll_ref,
    utcnow,
)
from handlers.context import Context, Stage
from handlers.poll_kinds import fits_x_poll, is_low, numbered_choice
from handlers.poll_results import Results, compute
from models.store import Store
from models.store.polls import Cast, Outcome, PollView, Target

FOLLOW_UP_WINDOW = timedelta(hours=24)
CLOSED_TEXT = "Thank you — this poll has closed, so your answer was not counted."
CLOSED_POLL = "This poll has closed. Thank you to everyone who answered."


PUBLIC_FEEDS = frozenset({Channel.WIDGET.value, Channel.X.value})
"""Channels where a poll needs no chat: the feedback page, and the library's own X timeline."""


class PollRefused(ValueError):
    """A poll cannot be shown on a chosen channel; the message says why."""


@dataclass(frozen=True)
class PollSpec:
    """What `poll create` asks for."""

    question: str
    kind: str
    options: list[tuple[str, str]]
    targets: list[Target]
    follow_up: str = ""
    anonymous: bool = False
    live_results: bool = False
    post_results: bool = False
    repeat_days: int | None = None


def check(spec: PollSpec, capabilities: Mapping[str, Capabilities]) -> None:
    """Refuse a poll that a chosen channel cannot show, saying which and why."""
    if not spec.question.strip():
        raise PollRefused("the question is empty")
    if not spec.targets:
        raise PollRefused("no channel chosen (add --to widget, --to slack:CHANNEL_ID, ...)")
    for target in spec.targets:
        caps = capabilities.get(target.channel)
        if caps is None:
            raise PollRefused(f"unknown channel {target.channel!r}")
        if not (caps.buttons or caps.native_polls):
            raise PollRefused(f"{target.channel} can show neither buttons nor polls")
        if target.channel not in PUBLIC_FEEDS and not target.chat:
            raise PollRefused(
                f"{target.channel} needs a chat or channel id (e.g. {target.channel}:C123)"
            )
        if len(spec.question) + sum(len(label) for _, label in spec.options) > caps.max_text:
            raise PollRefused(f"the poll is too long for {target.channel}")
        if (
            spec.anonymous
            and target.channel == Channel.X.value
            and not fits_x_poll(spec.kind, spec.options)
        ):
            raise PollRefused(
                "on x this poll is answered by public replies, so it cannot be anonymous "
                "(an anonymous x poll needs 2-4 options of at most 25 characters, one answer)"
            )
    if spec.anonymous and spec.follow_up:
        raise PollRefused(
            "an anonymous poll cannot ask a follow-up: it would tie the answer to what the "
            "person writes next"
        )


def poll_message(poll: PollView, target: Target) -> OutboundMessage:
    """The poll as each channel shows it best: buttons (Slack; Telegram when anonymous, since a
    Telegram poll that reports each voter shows everyone in the chat who chose what), a native
    poll (Telegram; X when it fits X's limits), or on X otherwise a post that asks for a
    numbered reply."""
    ref = poll_ref(poll.id)
    if target.channel == Channel.X.value:
        return _x_poll(poll, target, ref)
    address = Address(Channel(target.channel), chat=target.chat, kind=ConversationKind.GROUP)
    if target.channel == Channel.TELEGRAM.value and not poll.anonymous:
        choices = tuple(Button(label, key) for key, label in poll.options)
        multiple = "true" if poll.kind == "multi" else "false"
        meta = {"poll_ref": ref, "multiple": multiple, "native": "true"}
        return OutboundMessage(
            address=address, text=poll.question, buttons=choices, kind="poll", meta=meta
        )
    buttons = tuple(Button(label, f"{ref}:{key}") for key, label in poll.options)
    hint = "Tap one answer; you can change it until the poll closes."
    if poll.kind == "multi":
        hint = "Tap every answer that applies; tap again to take one back."
    if poll.anonymous:
        hint += " Only the library team sees answers, and never who gave them."
    return OutboundMessage(
        address=address,
        text=f"{poll.question}\n{hint}",
        buttons=buttons,
        kind="poll",
        meta={"poll_ref": ref},
    )


def _x_poll(poll: PollView, target: Target, ref: str) -> OutboundMessage:
    """A native X poll (counts only) when it fits; else a post answered by replying a number."""
    address = Address(Channel.X, chat=target.chat, kind=ConversationKind.PUBLIC)
    choices = tuple(Button(label, key) for key, label in poll.options)
    if fits_x_poll(poll.kind, poll.options):
        minutes = 1440
        if poll.closes_at is not None:
            minutes = max(5, int((poll.closes_at - utcnow()).total_seconds() // 60))
        meta = {"poll_ref": ref, "duration_minutes": str(minutes)}
        return OutboundMessage(
            address=address, text=poll.question, buttons=choices, kind="poll", meta=meta
        )
    return OutboundMessage(address=address, text=reply_prompt(poll), meta={"poll_ref": ref})


def reply_prompt(poll: PollView) -> str:
    """The question, and how to answer it with a reply."""
    keys = [k for k, _ in poll.options]
    if all(k.isdigit() for k in keys):
        return f"{poll.question}\nReply with a number from {keys[0]} to {keys[-1]}."
    lines = "\n".join(f"{n} = {label}" for n, (_, label) in enumerate(poll.options, 1))
    several = " (or several)" if poll.kind == "multi" else ""
    return f"{poll.question}\nReply with a number{several}:\n{lines}"


SENDABLE = ("draft", "scheduled", "open")
"""A poll is sent from these states (sending an open poll again posts it again)."""


async def send(
    store: Store,
    poll_id: int,
    wake: Callable[[], None],
    *,
    from_: Collection[str] = SENDABLE,
) -> int:
    """Open the poll and post it to every platform target (the widget shows open polls itself);
    returns how many posts were queued."""
    posted, _ = await send_once(store, poll_id, wake, from_=from_)
    return posted


async def send_once(
    store: Store,
    poll_id: int,
    wake: Callable[[], None],
    *,
    from_: Collection[str] = SENDABLE,
) -> tuple[int, bool]:
    """Open the poll and queue its posts, claimed in the store: of two callers only one opens
    it from one of ``from_`` and posts (True); the other queues nothing (0, False)."""
    poll = await store.poll(poll_id)
    if poll is None:
        raise LookupError(f"no poll {poll_id}")
    if poll.status == "closed":
        raise PollRefused(f"poll {poll_id} is closed")
    posts = [poll_message(poll, t) for t in poll.targets if t.channel != Channel.WIDGET.value]
    opened = await store.poll_claims.open(
        poll_id=poll_id, from_=from_, messages=posts, author="feedbot:poll"
    )
    if not opened:
        return 0, False
    wake()
    return len(posts), True


async def close(store: Store, poll_id: int, wake: Callable[[], None]) -> Results:
    """Close the poll; post "you said" results back when the poll asks for it."""
    outcome, _ = await close_once(store, poll_id, wake)
    return outcome


async def close_once(store: Store, poll_id: int, wake: Callable[[], None]) -> tuple[Results, bool]:
    """Close the poll and queue its closing posts, claimed in the store: of two callers only
    one closes it and posts (True); the other gets the results and False. The results posted
    are those at the moment of closing (a vote stored in the same instant may miss the post,
    never the stored results)."""
    poll = await store.poll(poll_id)
    if poll is None:
        raise LookupError(f"no poll {poll_id}")
    posted = await _posts(store, poll)
    outcome = await results(store, poll_id)
    messages = [_closing(poll, channel, chat, platform_id) for channel, chat, platform_id in posted]
    if poll.post_results:
        messages += [
            OutboundMessage(
                address=Address(Channel(t.channel), chat=t.chat, kind=ConversationKind.GROUP),
                text=you_said(outcome),
            )
            for t in poll.targets
            if t.channel != Channel.WIDGET.value
        ]
    closed = await store.poll_claims.close(
        poll_id=poll_id, messages=messages, author="feedbot:poll"
    )
    if closed:
        wake()
    return outcome, closed


CLOSABLE = (Channel.SLACK, Channel.TELEGRAM)
"""Where a posted poll can be closed in place: Slack and Telegram answer buttons are taken
away, a Telegram poll is stopped. (X polls end on their own; a post cannot be edited.)"""


async def _posts(store: Store, poll: PollView) -> list[tuple[Channel, str, str]]:
    """(channel, chat, platform id) of this poll's posts that can be closed in place."""
    chosen = {t.channel for t in poll.targets}
    return [
        (channel, chat, platform_id)
        for channel in CLOSABLE
        if channel.value in chosen
        for poll_id, chat, platform_id in await store.poll_posts(channel.value)
        if poll_id == poll.id
    ]


def _closing(poll: PollView, channel: Channel, chat: str, platform_id: str) -> OutboundMessage:
    """An edit of the posted poll: the question, said to be closed, with no answer buttons."""
    address = Address(channel, chat=chat, kind=ConversationKind.GROUP)
    meta = {"poll_ref": poll_ref(poll.id), "edit_ref": platform_id}
    text = f"{poll.question}\n{CLOSED_POLL}"
    return OutboundMessage(address=address, text=text, kind="poll_closed", meta=meta)


async def results(store: Store, poll_id: int) -> Results:
    """The poll's current results."""
    poll = await store.poll(poll_id)
    if poll is None:
        raise LookupError(f"no poll {poll_id}")
    votes, follow_ups = await store.poll_votes(poll_id), await store.poll_follow_ups(poll_id)
    return compute(poll, votes, follow_ups, await store.poll_counts(poll_id))


def you_said(r: Results) -> str:
    """A short results message for the people who were asked."""
    parts = [f"{o.label}: {o.percent:g}%" for o in r.options if o.count]
    head = f"You said — {r.question} ({r.responses} answers)"
    score = (
        f" CSAT {r.csat:g}%."
        if r.csat is not None
        else f" NPS {r.nps:+g}."
        if r.nps is not None
        else ""
    )
    return f"{head}: {'; '.join(parts) or 'no answers'}.{score} Thank you for taking part."


class Tally:
    """Count votes (the latest per person counts); a vote after close is answered, not counted."""

    name = "tally"
    stage = Stage.AFTER_STORE

    def __init__(self, store: Store, wake_outbox: Callable[[], None]) -> None:
        self._store = store
        self._wake = wake_outbox

    def applies(self, ctx: Context) -> bool:
        return ctx.kind is EventKind.VOTE

    async def run(self, batch: list[Context]) -> None:
        casts = await self._store.cast_votes([c.message_id for c in batch])
        replies = await self._confirmations(batch, casts) + await self._follow_ups(batch, casts)
        if replies:
            await self._store.enqueue_many(replies, author="feedbot:poll")
            self._wake()

    async def _confirmations(
        self, batch: list[Context], casts: list[Cast]
    ) -> list[OutboundMessage]:
        """Tell each Slack voter, privately, what was recorded (Slack buttons show no selection);
        tell anyone who answers a closed poll that it has closed. Someone who clicked several
        times in one batch hears once, about the answer that counts."""
        people = [
            c.contact_id for c in batch if c.contact_id is not None and c.channel is Channel.SLACK
        ]
        users = await self._store.platform_users(people) if people else {}
        notes: dict[object, OutboundMessage] = {}
        for n, (ctx, cast) in enumerate(zip(batch, casts, strict=True)):
            text = _confirmation(cast) if ctx.channel is Channel.SLACK else ""
            text = CLOSED_TEXT if cast.outcome is Outcome.CLOSED else text
            if text:
                private = users.get(ctx.contact_id or 0, "")
                meta = {"ephemeral_to": private} if private else {}
                if private and cast.reply_hook:
                    meta["reply_hook"] = cast.reply_hook
                who = (ctx.contact_id, cast.poll.id if cast.poll else None) if ctx.contact_id else n
                notes.pop(who, None)
                notes[who] = OutboundMessage(address=ctx.address, text=text, meta=meta)
        return list(notes.values())

    async def _follow_ups(self, batch: list[Context], casts: list[Cast]) -> list[OutboundMessage]:
        """The follow-up question, once per vote, after a low answer."""
        low = {
            cast.vote_id: ctx
            for ctx, cast in zip(batch, casts, strict=True)
            if _wants_follow_up(cast)
        }
        asked = await self._store.ask_follow_ups(list(low)) if low else set()
        questions: dict[int, OutboundMessage] = {}
        for cast in casts:
            if cast.vote_id in asked and cast.poll is not None:
                address = low[cast.vote_id].address
                questions[cast.vote_id] = OutboundMessage(address=address, text=cast.poll.follow_up)
        return list(questions.values())


def _confirmation(cast: Cast) -> str:
    if cast.poll is None or cast.outcome not in (Outcome.COUNTED, Outcome.RETRACTED):
        return ""
    if cast.outcome is Outcome.RETRACTED:
        return "Your answer has been taken back."
    chosen = ", ".join(cast.poll.label(k) for k in cast.options)
    return f"Thank you. Your answer: {chosen}. You can change it until the poll closes."


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
        await self._store.link_follow_ups(pairs, window=FOLLOW_UP_WINDOW)


class ReplyVote:
    """A reply to a poll that asked for a number ("3") becomes a vote (X without a native poll)."""

    name = "reply_vote"
    stage = Stage.AFTER_STORE

    def __init__(self, store: Store) -> None:
        self._store = store

    def applies(self, ctx: Context) -> bool:
        return ctx.kind is EventKind.MESSAGE and ctx.channel is Channel.X

    async def run(self, batch: list[Context]) -> None:
        for ctx in batch:
            poll_id = await self._store.poll_posted_as(ctx.channel.value, ctx.address.chat)
            poll = await self._store.poll(poll_id) if poll_id is not None else None
            keys = numbered_choice(ctx.text, poll.options, poll.kind == "multi") if poll else []
            if poll is not None and keys:
                await self._store.reply_to_vote(ctx.message_id, poll_id=poll.id, keys=keys)
                ctx.kind = EventKind.VOTE
