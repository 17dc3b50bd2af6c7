"""Poll use cases and steps read the channel's capabilities, not its name: the same Slack
stand-in, with one flag flipped, posts or not, closes in place or not, edits a live tally or
not, confirms a tap privately or not."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace

import pytest

from bot.adapters.catalog import CAPABILITIES
from bot.events import Address, Channel, ConversationKind, EventKind, InboundEvent, Vote
from config.settings import Settings
from handlers.polls.kinds import YES_NO
from models.store.polls.definitions import Target
from tests.fakes.adapter import RecordingAdapter
from tests.fakes.running import RunningBot, running_bot
from tests.fakes.waiting import wait_until

ROOM = Address(Channel.SLACK, chat="C0LIBRARY", kind=ConversationKind.GROUP)
SLACK = CAPABILITIES["slack"]


@asynccontextmanager
async def bot_with(
    settings: Settings, **flags: bool
) -> AsyncIterator[tuple[RunningBot, RecordingAdapter, int]]:
    """A bot whose Slack stand-in has these capabilities changed, and an open live poll there."""
    slack = RecordingAdapter(Channel.SLACK, capabilities=replace(SLACK, **flags))
    async with running_bot(settings, adapters=[slack]) as bot:
        await bot.app.jobs.stop()  # the test drives the live tally itself
        poll_id = await bot.store.polls.create(
            targets=[Target("slack", "C0LIBRARY")],
            options=list(YES_NO),
            question="Was it quiet enough?",
            kind="yes_no",
            live_results=True,
        )
        yield bot, slack, poll_id


def tap(poll_id: int, person: str = "U1") -> InboundEvent:
    return InboundEvent(
        channel=Channel.SLACK,
        platform_id=f"tap-{person}",
        kind=EventKind.VOTE,
        sender=person,
        address=ROOM,
        vote=Vote(f"fbpoll-{poll_id}", (f"fbpoll-{poll_id}:yes",)),
    )


async def posted(bot: RunningBot, slack: RecordingAdapter, poll_id: int) -> None:
    """Send the poll and wait until its post has settled (and so is a poll post)."""
    assert await bot.app.polls.send(poll_id) == 1

    async def settled() -> bool:
        return bool(await bot.store.polls.posts(channel="slack"))

    await wait_until(settled, what="the poll post to settle")


@pytest.mark.parametrize("on", [False, True])
async def test_lists_open_polls_means_nothing_is_posted(
    on: bool, db_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with bot_with(make_settings(database_url=db_url), lists_open_polls=on) as (bot, _, p):
        assert await bot.app.polls.send(p) == (0 if on else 1)


@pytest.mark.parametrize("on", [False, True])
async def test_closable_polls_are_closed_in_place(
    on: bool, db_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with bot_with(make_settings(database_url=db_url), closable_polls=on) as (bot, slack, p):
        await posted(bot, slack, p)
        await bot.app.polls.close(p)
        counts = await bot.store.outbox.counts()
        await wait_until(lambda: _none_pending(bot), what="the outbox to drain")
        edits = [m for m in slack.sent if m.edit_of == "slack-1"]
        assert len(edits) == (1 if on else 0), counts
        assert all(not m.buttons for m in edits)


@pytest.mark.parametrize("on", [False, True])
async def test_editing_lets_a_live_tally_refresh_the_post(
    on: bool, db_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with bot_with(make_settings(database_url=db_url), editing=on) as (bot, slack, p):
        await posted(bot, slack, p)
        assert slack.sink is not None
        await slack.sink(tap(p))

        async def counted() -> bool:
            return bool(await bot.store.polls.votes(poll_id=p))

        await wait_until(counted, what="the vote to be counted")
        assert await bot.app.polls.refresh_live() == (1 if on else 0)


@pytest.mark.parametrize("on", [False, True])
async def test_private_acks_confirm_a_tap_to_the_voter_alone(
    on: bool, db_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with bot_with(make_settings(database_url=db_url), private_acks=on) as (bot, slack, p):
        await posted(bot, slack, p)
        assert slack.sink is not None
        await slack.sink(tap(p))

        async def processed() -> bool:
            return all(m.processed for m in await bot.store.messages.find() if m.direction == "in")

        await wait_until(processed, what="the tap to be processed")
        await wait_until(lambda: _none_pending(bot), what="the outbox to drain")
        told = [m.text for m in slack.sent if m.private_to == "U1"]
        assert len(told) == (1 if on else 0)
        assert [m for m in slack.sent[1:] if not m.private_to] == []  # nothing said in public


async def _none_pending(bot: RunningBot) -> bool:
    return (await bot.store.outbox.counts()).get("pending", 0) == 0
