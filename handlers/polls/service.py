"""Poll use cases: create (checked against each channel's capabilities), send, close, live
tally, results. How a poll is asked is in messages; the pipeline steps in steps."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from datetime import timedelta

from bot.channel import Capabilities, capabilities_of
from bot.events import Address, Channel, ConversationKind, OutboundMessage
from config.wording import ENGLISH, Speech, Wording
from handlers.polls.messages import Style, answer_style, closing, poll_message
from handlers.polls.results import Results, compute
from models.store import Store
from models.store.polls.definitions import PollView, Target
from models.store.reach.sends import PEOPLE

FOLLOW_UP_WINDOW = timedelta(hours=24)
SENDABLE = ("draft", "scheduled", "open")
"""A poll is sent from these states (sending an open poll again posts it again)."""


class PollRefused(ValueError):
    """A poll cannot be made or shown as asked; the message says why, ``field`` which of the
    poll's fields it is about (question, kind, options, to, follow_up, opens_at, closes_at)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


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


def check(spec: PollSpec, capabilities: Mapping[Channel, Capabilities]) -> None:
    """Refuse a poll that a chosen channel cannot show, saying which and why."""
    if not spec.question.strip():
        raise PollRefused("the question is empty", "question")
    if not spec.targets:
        raise PollRefused("no channel chosen (add --to widget, --to slack:CHANNEL_ID, ...)", "to")
    for target in spec.targets:
        caps = capabilities_of(capabilities, target.channel)
        if caps is None:
            raise PollRefused(f"unknown channel {target.channel!r}", "to")
        _check_target(spec, target.channel, target.chat, caps)
    if spec.anonymous and spec.follow_up:
        raise PollRefused(
            "an anonymous poll cannot ask a follow-up: it would tie the answer to what the "
            "person writes next",
            "follow_up",
        )


def _check_target(spec: PollSpec, channel: str, chat: str, caps: Capabilities) -> None:
    """One target's refusals: nothing to answer with, no chat, too long, or anonymity lost."""
    if not (caps.buttons or caps.native_polls):
        raise PollRefused(f"{channel} can show neither buttons nor polls", "to")
    if not caps.public_feed and not chat:
        raise PollRefused(f"{channel} needs a chat or channel id (e.g. {channel}:C123)", "to")
    if len(spec.question) + sum(len(label) for _, label in spec.options) > caps.max_text:
        raise PollRefused(f"the poll is too long for {channel}", "question")
    style = answer_style(spec.kind, spec.anonymous, spec.options, caps)
    if spec.anonymous and style is Style.REPLY:
        one = "" if caps.native_multi else ", one answer"
        raise PollRefused(
            f"on {channel} this poll is answered by public replies, so it cannot be anonymous "
            f"(an anonymous {channel} poll needs 2-{caps.max_poll_options} options of at most "
            f"{caps.max_option_chars} characters{one})",
            "options",
        )


class Polls:
    """Posting, closing and live-tallying polls on every channel, each as its capabilities
    allow (by channel name: the channels known to this bot, connected or not)."""

    def __init__(
        self,
        store: Store,
        capabilities: Mapping[Channel, Capabilities],
        wake_outbox: Callable[[], None],
        *,
        wording: Wording,
    ) -> None:
        self._store = store
        self._caps = capabilities
        self._wake = wake_outbox
        self._say = wording.speaking(ENGLISH)
        """Posts to a chat or feed are for everyone there: in English, the fallback."""

    async def send(
        self, poll_id: int, *, from_: Collection[str] = SENDABLE, audit_as: str = ""
    ) -> int:
        """Open the poll and post it to every target that does not list open polls itself;
        returns how many posts were queued."""
        posted, _ = await self.send_once(poll_id, from_=from_, audit_as=audit_as)
        return posted

    async def send_once(
        self, poll_id: int, *, from_: Collection[str] = SENDABLE, audit_as: str = ""
    ) -> tuple[int, bool]:
        """Open the poll and queue its posts, claimed in the store: of two callers only one
        opens it from one of ``from_`` and posts (True); the other queues nothing (0, False).
        ``audit_as``: who sent it by hand (``staff:<id>``, ``cli:<user>``), audited."""
        poll = await self._get(poll_id)
        if poll.status == "closed":
            raise PollRefused(f"poll {poll_id} is closed", "status")
        posts = [poll_message(poll, t, caps, self._say) for t, caps in self._posted_targets(poll)]
        opened = await self._store.poll_claims.open(
            poll_id=poll_id, from_=from_, messages=posts, author="feedbot:poll", audit_as=audit_as
        )
        if not opened:
            return 0, False
        self._wake()
        return len(posts), True

    async def close(self, poll_id: int) -> Results:
        """Close the poll (in place where the channel can); post "you said" results back when
        the poll asks for it."""
        outcome, _ = await self.close_once(poll_id)
        return outcome

    async def close_once(self, poll_id: int) -> tuple[Results, bool]:
        """Close the poll and queue its closing posts, claimed in the store: of two callers
        only one closes it and posts (True); the other gets the results and False. The results
        posted are those at the moment of closing."""
        poll = await self._get(poll_id)
        posted = await self._closable_posts(poll)
        outcome = await results(self._store, poll_id)
        messages = [
            closing(poll, channel, chat, platform_id, self._say)
            for channel, chat, platform_id in posted
        ]
        if poll.post_results:
            messages += [
                OutboundMessage(
                    address=Address(Channel(t.channel), chat=t.chat, kind=ConversationKind.GROUP),
                    text=you_said(outcome, self._say),
                )
                for t, _ in self._posted_targets(poll)
            ]
        closed = await self._store.poll_claims.close(
            poll_id=poll_id, messages=messages, author="feedbot:poll"
        )
        if closed:
            self._wake()
        return outcome, closed

    async def refresh_live(self) -> int:
        """Queue an edit of every live poll's button post whose votes changed, on channels
        that can edit; returns how many. The LiveTally job runs it every pass (15 s), so a
        burst of votes makes a few edits."""
        edits = 0
        for channel, caps in self._caps.items():
            if caps.editing:
                edits += await self._refresh_channel(channel, caps)
        if edits:
            self._wake()
        return edits

    async def _refresh_channel(self, channel: str, caps: Capabilities) -> int:
        edits = 0
        buttons = (Style.BUTTONS.value,)
        for poll_id, chat, platform_id in await self._store.polls.posts(
            channel=channel, styles=buttons, live=True
        ):  # live polls only: every once-only question asked is an open poll's button post
            poll = await self._store.polls.get(poll_id=poll_id)
            if poll is None or not poll.live_results:
                continue
            mark, name = (
                await self._store.polls.vote_mark(poll_id=poll_id),
                f"poll.{poll_id}.live.{platform_id}",
            )
            if await self._store.cursors.get(name=name) == mark:
                continue
            shown = poll_message(poll, Target(channel, chat), caps, self._say)
            text = f"{shown.text}\n{tally_line(await results(self._store, poll_id), self._say)}"
            await self._store.outbox.enqueue(
                message=replace(shown, text=text, edit_of=platform_id), author="feedbot:poll"
            )
            await self._store.cursors.set(name=name, value=mark)
            edits += 1
        return edits

    async def _get(self, poll_id: int) -> PollView:
        poll = await self._store.polls.get(poll_id=poll_id)
        if poll is None:
            raise LookupError(f"no poll {poll_id}")
        return poll

    def _posted_targets(self, poll: PollView) -> list[tuple[Target, Capabilities]]:
        """The targets a poll is posted to (not those that list open polls themselves, nor
        the people a targeted send asked one by one)."""
        found = [
            (t, capabilities_of(self._caps, t.channel)) for t in poll.targets if t.chat != PEOPLE
        ]
        return [(t, c) for t, c in found if c is not None and not c.lists_open_polls]

    async def _closable_posts(self, poll: PollView) -> list[tuple[str, str, str]]:
        """(channel, chat, platform id) of this poll's posts that can be closed in place."""
        channels = dict.fromkeys(
            t.channel for t, c in self._posted_targets(poll) if c.closable_polls
        )
        return [
            (channel, chat, platform_id)
            for channel in channels
            for _, chat, platform_id in await self._store.polls.posts(
                channel=channel, poll_id=poll.id
            )
        ]


def tally_line(r: Results, say: Speech) -> str:
    """e.g. 'So far (12 answers): Yes 75% · No 25%'."""
    shares = " · ".join(f"{_label(o.label, say)} {o.percent:g}%" for o in r.options if o.count)
    return say.text(
        "polls.tally", responses=r.responses, shares=shares or say.text("polls.tally_none")
    )


def _label(label: str, say: Speech) -> str:
    return say.wording.translated(label, say.language)


async def results(store: Store, poll_id: int) -> Results:
    """The poll's current results."""
    poll = await store.polls.get(poll_id=poll_id)
    if poll is None:
        raise LookupError(f"no poll {poll_id}")
    votes, follow_ups = (
        await store.polls.votes(poll_id=poll_id),
        await store.polls.follow_ups(poll_id=poll_id),
    )
    reported = await store.polls.counts(poll_id=poll_id)
    origins = await store.polls.web_origins(poll_id=poll_id)
    return compute(poll, votes, follow_ups, reported, origins)


def you_said(r: Results, say: Speech) -> str:
    """A short results message for the people who were asked."""
    parts = [f"{_label(o.label, say)}: {o.percent:g}%" for o in r.options if o.count]
    score = (
        f" CSAT {r.csat:g}%."
        if r.csat is not None
        else f" NPS {r.nps:+g}."
        if r.nps is not None
        else ""
    )
    return say.text(
        "polls.results",
        question=say.wording.translated(r.question, say.language),
        responses=r.responses,
        shares="; ".join(parts) or say.text("polls.results_none"),
        score=score,
    )
