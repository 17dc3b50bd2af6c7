"""Polls in widget tests: one made (and sent) through the bot's own use case, and a vote's
JSON body."""

from __future__ import annotations

from handlers.polls.kinds import standard_options
from models.store.polls.definitions import Target
from tests.fakes.running import RunningBot

FOLLOW_UP = "Sorry to hear that. What could we do better?"


async def make_poll(bot: RunningBot, *, send: bool = True, channel: str = "widget") -> int:
    poll_id = await bot.store.polls.create(
        targets=[Target(channel, "" if channel == "widget" else "C0LIBRARY")],
        options=standard_options("csat", []),
        question="How satisfied are you with the library today?",
        kind="csat",
        follow_up=FOLLOW_UP,
    )
    if send:
        await bot.app.polls.send(poll_id)
    return poll_id


def vote(session: str, poll_id: object, option: object, n: int = 1) -> dict[str, object]:
    return {"session": session, "client_id": f"vote-{n:05d}", "poll_id": poll_id, "option": option}
