"""A poll on Telegram through the real SDK: a native non-anonymous poll out, poll_answer in."""

from __future__ import annotations

from handlers.polls import service as polls
from handlers.polls.kinds import standard_options
from models.store.polls.definitions import Target
from tests.fakes.chat import Chat
from tests.fakes.waiting import wait_until
from tests.fakes.wording import shipped_wording

GROUP = -1001234567890
FOLLOW_UP = "Sorry to hear that. What could we do better?"
QUESTION = "How was the help desk today?"


async def counts(chat: Chat, poll_id: int) -> dict[str, int]:
    return {o.key: o.count for o in (await polls.results(chat.store, poll_id)).options}


async def send_poll(chat: Chat, **extra: object) -> int:
    """Create a CSAT poll for the group and send it."""
    poll_id = await chat.store.polls.create(
        targets=[Target("telegram", str(GROUP), 120)],
        options=standard_options("csat", []),
        question=QUESTION,
        kind="csat",
        **extra,
    )
    await chat.bot.app.polls.send(poll_id)
    return poll_id


async def test_native_poll_vote_change_retract_redeliver_and_follow_up(
    chat: Chat, db_url: str
) -> None:
    await chat.start("telegram", database_url=db_url)
    ada = chat.on("telegram", user_id=5550001, first="Ada", group=GROUP)
    bob = chat.on("telegram", user_id=5550002, first="Bob", group=GROUP)
    poll_id = await send_poll(chat, follow_up=FOLLOW_UP)
    shown = await chat.expect_reply(ada, how="poll", contains=QUESTION)
    assert shown.raw.params["is_anonymous"] is False

    async def posted() -> bool:
        return [o.status for o in await chat.store.outbox.items()] == ["sent"]

    await wait_until(posted, what="the poll's outbox item to be sent")
    [item] = await chat.store.outbox.items()  # Telegram's own poll id, as sendPoll answered
    assert item.platform_message_id == shown.raw.answer["result"]["poll"]["id"]

    await ada.taps("5 Excellent")
    await bob.taps("4 Good", times=10)  # redelivered
    await bob.taps("1 Very poor")  # Bob changes his mind

    async def settled() -> bool:
        return await counts(chat, poll_id) == {"1": 1, "2": 0, "3": 0, "4": 0, "5": 1}

    await wait_until(settled, what="Ada's 5 and Bob's changed 1")
    [asked] = await chat.expect_replies(bob, contains=FOLLOW_UP)
    assert asked.raw.params["chat_id"] in (5550002, "5550002")  # asked of Bob, privately
    await ada.retracts()

    async def retracted() -> bool:
        return (await polls.results(chat.store, poll_id)).responses == 1

    await wait_until(retracted, what="Ada's retraction")
    await chat.bot.app.polls.close(poll_id)
    stopped = await chat.expect_reply(ada, how="stop")  # Telegram takes no more answers
    assert int(stopped.raw.params["chat_id"]) == GROUP
    assert stopped.ref == shown.ref == str(shown.raw.answer["result"]["message_id"])
    assert len(chat.telegram.calls_to("stopPoll")) == 1


async def test_an_anonymous_poll_is_answered_with_buttons_nobody_else_sees(
    chat: Chat, db_url: str
) -> None:
    await chat.start("telegram", database_url=db_url)
    ada = chat.on("telegram", user_id=5550001, first="Ada", group=GROUP)
    bob = chat.on("telegram", user_id=5550002, first="Bob", group=GROUP)
    poll_id = await send_poll(chat, anonymous=True)
    [posted] = await chat.expect_replies(ada, how="post", contains=QUESTION)
    assert (
        chat.telegram.calls_to("sendPoll") == []
    )  # a Telegram poll that reports voters shows them
    assert posted.options[::4] == ("1 Very poor", "5 Excellent")
    assert "never who gave them" in posted.text

    await ada.taps("5 Excellent")
    await bob.taps("4 Good", times=10)
    await bob.taps("1 Very poor")  # Bob changes his mind

    async def settled() -> bool:
        return await counts(chat, poll_id) == {"1": 1, "2": 0, "3": 0, "4": 0, "5": 1}

    await wait_until(settled, what="Ada's 5 and Bob's changed 1")
    toasts = await chat.expect_replies(bob, how="toast", count=11)
    toasts += await chat.expect_replies(ada, how="toast")
    assert len(toasts) == 12 and {t.text for t in toasts} == {
        shipped_wording().text("polls.tapped")
    }
    assert len(chat.telegram.calls_to("answerCallbackQuery")) == 12
    r = await polls.results(chat.store, poll_id)
    assert (r.responses, r.csat) == (2, 50.0)

    await chat.bot.app.polls.close(poll_id)
    closed = await chat.expect_reply(ada, how="edit")  # the buttons are taken away
    assert (
        shipped_wording().text("polls.closed") in closed.text
        and "reply_markup" not in closed.raw.params
    )
    private = [h for h in await bob.heard() if h.how != "toast" and h.ref != posted.ref]
    assert private == []  # nothing was sent to Bob privately
    assert not [
        c
        for c in chat.telegram.calls_to("sendMessage")
        if c.params["chat_id"] in (5550002, "5550002")
    ]
