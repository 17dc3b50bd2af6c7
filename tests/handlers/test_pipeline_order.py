"""Which steps run, in which order, for each kind of event."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import timedelta

import pytest

from bot.app import Bot, running_bot
from bot.events import EventKind
from config.settings import Settings
from handlers.context import Stage
from models.store.migrate import upgrade_async
from tests.fakes.classifier import KeywordClassifier
from tests.support.events import message, vote


@pytest.fixture
async def bot(sqlite_url: str, make_settings: Callable[..., Settings]) -> AsyncIterator[Bot]:
    await upgrade_async(sqlite_url)
    async with running_bot(
        make_settings(database_url=sqlite_url), classifier=KeywordClassifier()
    ) as b:
        await b.processor.stop()  # drive the after-store steps by hand
        yield b


async def after_store(bot: Bot) -> list[list[str]]:
    pending = await bot.store.processing.claim(
        limit=10, lease=timedelta(seconds=60), max_attempts=5
    )
    return [await bot.pipeline.process(p) for p in pending]


def test_the_order_is_one_tuple_receive_steps_first(bot: Bot) -> None:
    names = [s.name for s in bot.pipeline.steps]
    assert names == [
        "record",
        "reply_vote",
        "csat_reply",
        "tally",
        "panel",
        "opt_out",
        "csat_answer",
        "group",
        "group_answer",
        "ask_once",
        "language",
        "classify",
        "link_follow_up",
        "triage",
        "acknowledge",
    ]
    stages = [s.stage for s in bot.pipeline.steps]
    assert stages == [Stage.RECEIVE] + [Stage.AFTER_STORE] * 14


async def test_a_message_is_recorded_classified_triaged_then_acknowledged(bot: Bot) -> None:
    _, trace = await bot.pipeline.receive_traced(message())
    assert trace == ["record"]
    assert await after_store(bot) == [
        ["group", "language", "classify", "link_follow_up", "triage", "acknowledge"]
    ]


async def test_a_typed_score_is_looked_at_as_a_satisfaction_answer(bot: Bot) -> None:
    await bot.pipeline.receive_traced(message("4"))
    assert await after_store(bot) == [
        ["csat_reply", "group", "language", "classify", "link_follow_up", "triage", "acknowledge"]
    ]


async def test_a_stop_message_only_opts_out(bot: Bot) -> None:
    await bot.pipeline.receive_traced(message("Stop."))
    assert await after_store(bot) == [["opt_out"]]


async def test_join_panel_only_joins_the_panel(bot: Bot) -> None:
    await bot.pipeline.receive_traced(message("Join the panel!"))
    assert await after_store(bot) == [["panel"]]


async def test_a_duplicate_stops_after_record(bot: Bot) -> None:
    await bot.pipeline.receive_traced(message())
    receipt, trace = await bot.pipeline.receive_traced(message())
    assert (receipt.duplicate, trace) == (True, ["record"])
    assert len(await after_store(bot)) == 1


async def test_a_vote_is_recorded_then_tallied(bot: Bot) -> None:
    _, trace = await bot.pipeline.receive_traced(vote())
    assert trace == ["record"]
    assert await after_store(bot) == [
        ["tally", "panel", "csat_answer", "group", "group_answer", "ask_once"]
    ]


async def test_an_edit_is_reclassified_but_not_acknowledged(bot: Bot) -> None:
    await bot.pipeline.receive_traced(message(kind=EventKind.EDIT, pid="edit-1"))
    assert await after_store(bot) == [["group", "language", "classify"]]


async def test_without_a_classifier_messages_are_stored_unclassified(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    await upgrade_async(sqlite_url)
    async with running_bot(make_settings(database_url=sqlite_url)) as b:
        await b.processor.stop()
        await b.pipeline.receive(message())
        assert await after_store(b) == [
            ["group", "language", "link_follow_up", "triage", "acknowledge"]
        ]
        [stored] = [m for m in await b.store.messages.find() if m.direction == "in"]
        assert stored.sentiment is None and stored.topic is None
