"""A poll on Slack through the real SDK: Block Kit buttons out, signed button clicks in."""

from __future__ import annotations

from typing import Any

from handlers.polls import service as polls
from handlers.polls.kinds import standard_options
from models.store.polls.definitions import Target
from tests.fakes.chat import Chat, Heard
from tests.fakes.waiting import wait_until
from tests.fakes.wording import shipped_wording

ROOM = "C01LIBRARY"


async def post_poll(chat: Chat, kind: str, question: str, **extra: Any) -> tuple[int, Heard]:
    """Create a poll for #library, send it, and wait until the room sees it."""
    poll_id = await chat.store.polls.create(
        targets=[Target("slack", ROOM)],
        options=standard_options(kind, []),
        question=question,
        kind=kind,
        **extra,
    )
    await chat.bot.app.polls.send(poll_id)
    [shown] = await chat.expect_replies(chat.on("slack", user="U0ANY"), contains=question)
    return poll_id, shown


def answered(heard: list[Heard], text: str) -> bool:
    """Whether an ephemeral answer through a click's response_url contained ``text``."""
    return any(
        h.raw.method == "response_url"
        and h.raw.args.get("response_type") == "ephemeral"
        and h.raw.args.get("replace_original") is False
        and text in h.text
        for h in heard
    )


async def test_slack_buttons_vote_change_and_close(chat: Chat, sqlite_url: str) -> None:
    await chat.start("slack", database_url=sqlite_url)
    ann, ben, cat = (chat.on("slack", user=u) for u in ("U0ANN", "U0BEN", "U0CAT"))
    poll_id, shown = await post_poll(chat, "yes_no", "Should the library open on Sunday mornings?")
    assert shown.options == ("Yes", "No")

    said = await ann.taps("Yes", times=10)  # one click, delivered ten times
    assert said.status == 200 and {a.status for a in await ann.redelivers()} == {200}
    assert (await ben.taps("No")).status == 200
    assert (await ben.taps("Yes")).status == 200  # Ben changes his mind

    async def counted() -> bool:
        r = await polls.results(chat.store, poll_id)
        return {o.key: o.count for o in r.options} == {"yes": 2, "no": 0}

    await wait_until(counted, what="two yes votes")
    await wait_until(lambda: _heard_that(ben, "Your answer: Yes"), what="Ben told privately")
    await chat.bot.app.polls.close(poll_id)
    closed = await chat.expect_reply(ann, how="edit")  # the buttons are taken away
    assert closed.ref == shown.ref and closed.raw.args["blocks"] == [] and not closed.options
    assert shipped_wording().text("polls.closed") in closed.text
    # A click from a copy of the message still on someone's screen is answered, not counted.
    assert (await cat.taps("No")).status == 200
    await wait_until(
        lambda: _heard_that(cat, shipped_wording().text("polls.closed_not_counted")),
        what="Cat told it is closed",
    )
    assert (await polls.results(chat.store, poll_id)).responses == 2
    assert not chat.slack.calls_to("chat.postEphemeral")  # every tap was answered through its hook


async def _heard_that(person: Any, text: str) -> bool:
    return answered(await person.heard(), text)


async def test_a_tap_whose_response_url_no_longer_works_is_answered_with_an_ephemeral_post(
    chat: Chat, sqlite_url: str
) -> None:
    await chat.start("slack", database_url=sqlite_url)
    ann, ben = chat.on("slack", user="U0ANN"), chat.on("slack", user="U0BEN")
    await post_poll(chat, "csat", "How was your visit today?")
    expired = chat.slack.hook()
    chat.slack.expire_hooks()  # Slack's 30 minutes have passed (the outbox was retrying, say)
    assert (await ann.taps("5 Excellent", response_url=expired)).status == 200
    elsewhere = "https://hooks.example.org/actions/T0/1/x"
    assert (await ben.taps("4 Good", response_url=elsewhere)).status == 200
    told = await chat.expect_reply(ann, how="private", contains="Your answer: 5")
    assert told.raw.method == "chat.postEphemeral" and told.raw.args["user"] == "U0ANN"
    told = await chat.expect_reply(ben, how="private", contains="Your answer: 4")
    assert told.raw.method == "chat.postEphemeral" and told.raw.args["user"] == "U0BEN"
    [refused] = chat.slack.calls_to("response_url", ok_only=False)  # a host not Slack's: not tried
    assert refused.status == 404 and refused.token in expired


async def test_a_low_answer_is_followed_up_and_the_reply_after_a_restart_is_linked_to_it(
    chat: Chat, sqlite_url: str
) -> None:
    follow_up = "Sorry to hear that. What could we do better?"
    await chat.start("slack", database_url=sqlite_url)
    ann, ben = chat.on("slack", user="U0ANN"), chat.on("slack", user="U0BEN")
    poll_id, _ = await post_poll(
        chat, "yes_no", "Did you find what you came for?", follow_up=follow_up
    )
    no = await ann.taps("No")
    assert no.status == 200
    asked = await chat.expect_reply(ann, contains=follow_up)
    assert asked.raw.args["channel"] == ROOM and asked.text == follow_up

    # The bot restarts; Ann answers the question, Ben votes, and Ann's tap arrives once more.
    await chat.restart()
    said = await ann.says("The book was not on the shelf the catalogue said.", replying_to=asked)
    assert said.status == 200
    assert (await ben.taps("Yes")).status == 200
    assert [a.status for a in await ann.redelivers(of=no)] == [200]

    async def linked() -> bool:
        r = await polls.results(chat.store, poll_id)
        return (r.responses, r.follow_ups) == (2, 1)

    await wait_until(linked, what="two answers and Ann's comment linked to hers")
    r = await polls.results(chat.store, poll_id)
    assert {o.key: o.count for o in r.options} == {"yes": 1, "no": 1}
    texts = [c.args["text"] for c in chat.slack.calls_to("chat.postMessage")]
    assert texts.count(follow_up) == 1  # asked once, for all the redeliveries


async def test_live_results_edit_the_poll_message_when_votes_change(
    chat: Chat, sqlite_url: str
) -> None:

    await chat.start("slack", database_url=sqlite_url)
    poll_id, shown = await post_poll(
        chat, "yes_no", "Should the library open on Sunday mornings?", live_results=True
    )

    async def all_sent() -> bool:
        return all(o.status == "sent" for o in await chat.store.outbox.items())

    await wait_until(all_sent, what="the poll post to be marked sent")
    for user, label in (("U0ANN", "Yes"), ("U0BEN", "Yes"), ("U0CAT", "No")):
        await chat.on("slack", user=user).taps(label)

    async def three() -> bool:
        return (await polls.results(chat.store, poll_id)).responses == 3

    await wait_until(three, what="three votes")
    assert await chat.bot.app.polls.refresh_live() == 1
    assert await chat.bot.app.polls.refresh_live() == 0  # nothing new
    edit = await chat.expect_reply(chat.on("slack", user="U0DAN"), how="edit")
    first = min(await chat.store.outbox.items(), key=lambda o: o.id)  # the poll post
    assert edit.ref == first.platform_message_id == shown.ref  # the edit is of that message
    assert "So far (3 answers): Yes 66.7% · No 33.3%" in edit.text
