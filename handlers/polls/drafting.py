"""Drafting, scheduling and sending a poll by hand: the one use case behind `poll create`,
`poll send` and the poll page. Staff need the ``poll`` role (leads); the shell's operator may
do it all. Every rule a poll is checked against is here or in ``service.check``."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.channel import Capabilities
from bot.events import Channel
from config.calendar import AcademicCalendar
from handlers.inbox.roles import Actor, require
from handlers.polls.kinds import KINDS, standard_options
from handlers.polls.quiet_period import Hold, hold
from handlers.polls.service import PollRefused, Polls, PollSpec, check
from models.store import Store
from models.store.polls.definitions import Target


@dataclass(frozen=True, slots=True)
class Draft:
    """A poll as a lead asks for it: what, when (UTC; no opening time: a draft to send by
    hand) and whether it may go out in a quiet period of the calendar."""

    spec: PollSpec
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    even_in_quiet: bool = False


@dataclass(frozen=True, slots=True)
class Operator:
    """Someone at the shell (the CLI): may do everything; audited as ``cli:<name>``."""

    name: str


@dataclass(frozen=True, slots=True)
class Sent:
    """What sending did: ``posted`` posts queued, or ``held`` until a quiet period ends."""

    poll_id: int
    posted: int
    held: Hold | None = None


def spec_of(
    *,
    question: str,
    kind: str,
    labels: list[str],
    targets: list[Target],
    follow_up: str = "",
    anonymous: bool = False,
    post_results: bool = False,
    live_results: bool = False,
    repeat_days: int | None = None,
) -> PollSpec:
    """A poll's spec from what was asked for: a kind's standard options, or the labels given
    for a choice poll (PollRefused naming the field otherwise)."""
    try:
        options = standard_options(kind, labels)
    except ValueError as exc:
        raise PollRefused(str(exc), "kind" if kind not in KINDS else "options") from None
    return PollSpec(
        question=question,
        kind=kind,
        options=options,
        targets=targets,
        follow_up=follow_up,
        anonymous=anonymous,
        live_results=live_results,
        post_results=post_results,
        repeat_days=repeat_days,
    )


def author(by: Actor | Operator) -> str:
    """Who acts, as the audit log names them, once their role allows drafting polls."""
    if isinstance(by, Operator):
        return f"cli:{by.name}"
    require(by, "poll")
    return f"staff:{by.id}"


def check_times(opens_at: datetime | None, closes_at: datetime | None, now: datetime) -> None:
    """Refuse a closing time in the past, or an opening time at or after the closing time."""
    if closes_at is None:
        return
    if closes_at <= now:
        raise PollRefused(f"--closes-at {closes_at:%Y-%m-%d %H:%M} UTC is in the past", "closes_at")
    if opens_at is not None and opens_at >= closes_at:
        raise PollRefused(
            f"--opens-at {opens_at:%Y-%m-%d %H:%M} is not before --closes-at"
            f" {closes_at:%Y-%m-%d %H:%M} (UTC)",
            "opens_at",
        )


def check_ready(
    channels: Collection[str], ready: Collection[str], needs: Mapping[str, str]
) -> None:
    """Refuse a poll for a channel without credentials: it could never be delivered."""
    for channel in sorted(set(channels) - set(ready)):
        what = needs.get(channel, "its settings")
        raise PollRefused(
            f"{channel} is not configured here (set {what}, then restart the bot)", "to"
        )


class PollDesk:
    """Create, schedule and send polls by hand, as a lead or the shell's operator."""

    def __init__(
        self,
        store: Store,
        polls: Polls,
        capabilities: Mapping[Channel, Capabilities],
        *,
        ready: Collection[str],
        needs: Mapping[str, str],
        calendar: AcademicCalendar,
        zone: ZoneInfo,
    ) -> None:
        self._store = store
        self._polls = polls
        self._caps = capabilities
        self._ready = frozenset(ready)
        self._needs = dict(needs)
        self._calendar = calendar
        self.zone = zone

    @property
    def ready(self) -> frozenset[str]:
        """The channels this installation can post to."""
        return self._ready

    def check(self, draft: Draft, now: datetime) -> Hold | None:
        """Refuse a poll that cannot be made as asked (PollRefused, naming the field); the
        quiet period it would wait out, if any."""
        spec = draft.spec
        check(spec, self._caps)
        check_ready([t.channel for t in spec.targets], self._ready, self._needs)
        check_times(draft.opens_at, draft.closes_at, now)
        if spec.repeat_days and draft.closes_at is None:
            raise PollRefused("a repeating poll needs --closes-at", "closes_at")
        waits = self.hold_at(draft.opens_at or now, draft.even_in_quiet)
        if waits is not None and draft.closes_at is not None and draft.closes_at <= waits.until:
            raise PollRefused(
                f"it would wait out {waits.period} (until {waits.last_day:%d %b %Y}) and close "
                "before it opens: close it later, or send it even in a quiet period",
                "closes_at",
            )
        return waits

    def hold_at(self, at: datetime, even_in_quiet: bool = False) -> Hold | None:
        """The quiet period a poll going out at ``at`` waits out (None if it need not)."""
        return None if even_in_quiet else hold(self._calendar, at, self.zone)

    async def create(self, draft: Draft, *, by: Actor | Operator) -> int:
        """Store the poll (a draft, or scheduled when it has an opening time); audited."""
        who = author(by)
        self.check(draft, datetime.now(UTC))
        spec = draft.spec
        return await self._store.polls.create(
            targets=spec.targets,
            options=spec.options,
            question=spec.question,
            kind=spec.kind,
            status="scheduled" if draft.opens_at else "draft",
            follow_up=spec.follow_up,
            anonymous=spec.anonymous,
            live_results=spec.live_results,
            post_results=spec.post_results,
            opens_at=draft.opens_at,
            closes_at=draft.closes_at,
            repeat_days=spec.repeat_days,
            even_in_quiet=draft.even_in_quiet,
            author=who,
        )

    async def send(
        self, poll_id: int, *, by: Actor | Operator, even_in_quiet: bool = False
    ) -> Sent:
        """Send the poll now, or, in a quiet period (unless ``even_in_quiet`` or the poll says
        so), schedule it for when that ends; audited either way."""
        who = author(by)
        poll = await self._store.polls.get(poll_id=poll_id)
        if poll is None:
            raise LookupError(f"no poll {poll_id}")
        check_ready([t.channel for t in poll.targets], self._ready, self._needs)
        waits = self.hold_at(datetime.now(UTC), even_in_quiet or poll.even_in_quiet)
        if waits is not None and poll.status in ("draft", "scheduled"):
            await self._store.polls.hold_until(poll_id=poll_id, opens_at=waits.until, author=who)
            return Sent(poll_id, 0, waits)
        return Sent(poll_id, await self._polls.send(poll_id, audit_as=who))
