"""A poll, from creation to results, as a conversation with the whole bot."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from bot.adapters.catalog import CAPABILITIES
from bot.adapters.widget import WidgetAdapter
from bot.channel import Capabilities
from bot.events import Address, Channel, ConversationKind, EventKind, InboundEvent, Vote, utcnow
from bot.secrets import pseudonym_key
from config.settings import Settings
from handlers.polls import service as polls
from handlers.polls.kinds import standard_options
from models.store import Store
from models.store.polls.definitions import Target
from tests.fakes.adapter import RecordingAdapter
from tests.fakes.running import RunningBot, running_bot
from tests.fakes.waiting import wait_until
from tests.fakes.wording import shipped_wording

ROOM = Address(Channel.SLACK, chat="C0LIBRARY", kind=ConversationKind.GROUP)
FOLLOW_UP = "Sorry to hear that. What could we do better?"
CLOSED = shipped_wording().text("polls.closed_not_counted")


def spec(kind: str = "csat", *targets: Target) -> polls.PollSpec:
    return polls.PollSpec(
        question="How satisfied were you with the help desk today?",
        kind=kind,
        options=standard_options(kind, []),
        targets=list(targets) or [Target("slack", "C0LIBRARY", 40)],
        follow_up=FOLLOW_UP,
        post_results=True,
    )


def tap(person: str, choice: str, *, n: int, poll_id: int = 1, when_s: int = 0) -> InboundEvent:
    """A student tapping an answer button (value "fbpoll-ID:KEY", as the adapters deliver it)."""
    return InboundEvent(
        channel=Channel.SLACK,
        platform_id=f"tap-{person}-{n}",
        kind=EventKind.VOTE,
        sender=person,
        address=ROOM,
        vote=Vote(f"fbpoll-{poll_id}", (f"fbpoll-{poll_id}:{choice}",) if choice else ()),
        occurred_at=utcnow() + timedelta(seconds=when_s),
    )


def say(person: str, text: str, n: int) -> InboundEvent:
    return InboundEvent(
        channel=Channel.SLACK,
        platform_id=f"msg-{person}-{n}",
        kind=EventKind.MESSAGE,
        sender=person,
        address=ROOM,
        text=text,
    )


async def settle(bot: RunningBot) -> None:
    """Wait until every stored event has been through the after-store steps."""

    async def done() -> bool:
        return all(
            m.processed for m in await bot.store.messages.find(limit=1000) if m.direction == "in"
        )

    await wait_until(done, what="the processor to catch up")


async def test_a_csat_poll_from_creation_to_results(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    slack = RecordingAdapter(Channel.SLACK)
    async with running_bot(
        make_settings(database_url=db_url), adapters=[WidgetAdapter(), slack]
    ) as bot:
        store = bot.store
        s = spec()
        polls.check(s, CAPABILITIES)
        poll_id = await store.polls.create(
            targets=s.targets,
            options=s.options,
            question=s.question,
            kind=s.kind,
            follow_up=s.follow_up,
            post_results=True,
        )
        assert await bot.app.polls.send(poll_id) == 1
        await wait_until(lambda: _sent(slack, 1), what="the poll to be posted")
        posted = slack.sent[0]
        assert [b.label for b in posted.buttons] == [
            "1 Very poor",
            "2 Poor",
            "3 OK",
            "4 Good",
            "5 Excellent",
        ]
        assert posted.poll_ref == f"fbpoll-{poll_id}" and posted.address.chat == "C0LIBRARY"

        assert slack.sink is not None
        await slack.sink(tap("U1", "5", n=1))  # Ann: excellent
        for _ in range(10):
            await slack.sink(tap("U2", "4", n=1))  # Ben's tap, redelivered ten times
        await slack.sink(tap("U3", "4", n=1))  # Cat: good ...
        await slack.sink(tap("U3", "1", n=2, when_s=1))  # ... then changes her mind: very poor
        await slack.sink(tap("U4", "3", n=1))  # Dan: OK ...
        await slack.sink(tap("U4", "", n=2, when_s=1))  # ... then takes it back
        await settle(bot)

        def told() -> dict[str, str]:
            """The last private word each voter had (taps in one batch get one word)."""
            return {m.private_to: m.text for m in slack.sent if m.private_to}

        async def everyone_told() -> bool:
            return len(told()) == 4 and FOLLOW_UP in [m.text for m in slack.sent]

        await wait_until(everyone_told, what="confirmations and the follow-up")
        public = [m.text for m in slack.sent[1:] if not m.private_to]
        assert public == [FOLLOW_UP]  # asked once, of Cat only
        assert "1 Very poor" in told()["U3"] and told()["U4"] == "Your answer has been taken back."

        await slack.sink(say("U3", "The printer queue took 40 minutes.", 1))
        await settle(bot)
        r = await polls.results(store, poll_id)
        assert (r.responses, r.csat, r.response_rate, r.follow_ups) == (3, 66.7, 7.5, 1)
        assert {o.key: o.count for o in r.options} == {"1": 1, "2": 0, "3": 0, "4": 1, "5": 1}

        await bot.app.polls.close(poll_id)
        await slack.sink(tap("U5", "5", n=1))  # Eve is too late
        await settle(bot)
        assert (await polls.results(store, poll_id)).responses == 3

        async def closed_and_reported() -> bool:
            texts = [m.text for m in slack.sent]
            return CLOSED in texts and any(t.startswith("You said") for t in texts)

        await wait_until(closed_and_reported, what="results and the closed notice")
        texts = [m.text for m in slack.sent]
        assert any(t.startswith("You said") and "CSAT 66.7%" in t for t in texts)
        assert CLOSED in texts


async def test_votes_survive_a_restart_mid_poll(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings(database_url=sqlite_url)
    for round_, person in enumerate(("U1", "U2")):
        slack = RecordingAdapter(Channel.SLACK)
        async with running_bot(settings, adapters=[slack]) as bot:
            if round_ == 0:
                s = spec("yes_no")
                poll_id = await bot.store.polls.create(
                    targets=s.targets, options=s.options, question=s.question, kind=s.kind
                )
                await bot.app.polls.send(poll_id)
            assert slack.sink is not None
            await slack.sink(tap(person, "yes", n=1))
            await slack.sink(tap("U1", "yes", n=1))  # a redelivery after the restart, too
            await settle(bot)
            r = await polls.results(bot.store, 1)
    assert (r.responses, {o.key: o.count for o in r.options}) == (2, {"yes": 2, "no": 0})


async def test_taps_waiting_together_get_one_confirmation_of_the_answer_that_counts(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings(database_url=sqlite_url)
    async with running_bot(settings, adapters=[RecordingAdapter(Channel.SLACK)]) as bot:
        s = spec("csat")
        poll_id = await bot.store.polls.create(
            targets=s.targets, options=s.options, question=s.question, kind=s.kind
        )
        await bot.app.polls.send(poll_id)
    # While the bot is down, Ann's three taps (2, 5, then 4) are stored, not yet processed
    # (as when the processor is behind); the next start processes them in one batch.
    async with Store.open(settings.database_url, pseudonym_key=pseudonym_key(settings)) as store:
        await store.messages.record(
            events=[tap("U1", k, n=i, when_s=i) for i, k in enumerate(("2", "5", "4"))]
        )
    slack = RecordingAdapter(Channel.SLACK)
    async with running_bot(settings, adapters=[slack]) as bot:
        await settle(bot)

        async def told() -> list[str]:
            return [m.text for m in slack.sent if m.private_to == "U1"]

        await wait_until(told, what="Ann's confirmation")
        assert await told() == [
            "Thank you. Your answer: 4 Good. You can change it until the poll closes."
        ]
        assert (await polls.results(bot.store, poll_id)).responses == 1


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        (Target("sms", "0770"), "sms can show neither buttons nor polls"),
        (Target("slack", ""), "needs a chat"),
        (Target("fax", "1"), "unknown channel"),
    ],
)
def test_a_poll_a_channel_cannot_show_is_refused_with_the_reason(
    target: Target, reason: str
) -> None:
    sms = Capabilities(max_text=160, buttons=False, threads=False)
    with pytest.raises(polls.PollRefused, match=reason):
        polls.check(spec("nps", target), {**CAPABILITIES, "sms": sms})


def test_a_poll_too_long_for_the_channel_is_refused() -> None:
    tiny = {"slack": Capabilities(max_text=20, buttons=True, threads=True)}
    with pytest.raises(polls.PollRefused, match="too long for slack"):
        polls.check(spec(), tiny)


async def _sent(adapter: RecordingAdapter, n: int) -> bool:
    return len(adapter.sent) >= n


async def test_scheduled_polls_open_outside_quiet_hours_and_close_on_time(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    from datetime import UTC, datetime, time
    from zoneinfo import ZoneInfo

    from handlers.polls.schedule import PollScheduler, is_quiet

    london = ZoneInfo("Europe/London")
    night = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)
    morning = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    assert is_quiet(night, (time(21), time(8)), london)
    assert not is_quiet(morning, (time(21), time(8)), london)
    slack = RecordingAdapter(Channel.SLACK)
    async with running_bot(make_settings(database_url=sqlite_url), adapters=[slack]) as bot:
        await bot.app.jobs.stop()  # only the scheduler on the test's clock below may act
        s = spec("yes_no")
        poll_id = await bot.store.polls.create(
            targets=s.targets,
            options=s.options,
            question=s.question,
            kind=s.kind,
            status="scheduled",
            opens_at=night - timedelta(hours=1),
            closes_at=morning + timedelta(hours=2),
            repeat_days=7,
        )
        scheduler = PollScheduler(
            bot.store, bot.app.polls, quiet_hours=(time(21), time(8)), zone=london
        )
        assert await scheduler.pass_at(night) == ([], [])  # due, but it is the middle of the night
        assert await scheduler.pass_at(morning) == ([poll_id], [])  # opens in the morning
        await wait_until(lambda: _sent(slack, 1), what="the scheduled poll to be posted")
        later = morning + timedelta(hours=3)
        assert await scheduler.pass_at(later) == ([], [poll_id])  # and closes on time
        assert await scheduler.pass_at(later) == ([], [])  # once
        assert (await bot.store.polls.get(poll_id=poll_id)).status == "closed"  # type: ignore[union-attr]
        following = await bot.store.polls.get(poll_id=poll_id + 1)  # the next run of a weekly poll
        assert following is not None and following.status == "scheduled"
        assert following.opens_at == night - timedelta(hours=1) + timedelta(days=7)
        assert following.closes_at == morning + timedelta(hours=2, days=7)
        assert following.repeat_days == 7 and following.targets == s.targets
