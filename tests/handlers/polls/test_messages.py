"""How a poll is asked is decided by the channel's capabilities, never its name: each test
keeps one channel name and flips one flag of an otherwise identical fake Capabilities."""

from __future__ import annotations

from dataclasses import replace
from typing import cast

import pytest

from bot.channel import Capabilities
from bot.events import Address, Channel, ConversationKind, EventKind
from handlers.context import Context
from handlers.polls import service as polls
from handlers.polls.messages import Style, answer_style, poll_message
from handlers.polls.steps import ReplyVote
from handlers.you_said import plan
from models.store import Store
from models.store.digest.action_notices import Raiser
from models.store.digest.actions import ActionView
from models.store.polls.definitions import PollView, Target
from tests.fakes.wording import shipped_wording

PLAIN = Capabilities(max_text=1000, buttons=False, threads=False)
"""A channel that can do nothing special; each test adds what it is about."""
NAME = "telegram"
ENGLISH = shipped_wording().speaking("en")
"""The one channel name every test uses, whatever the capabilities say."""
TWO = [("1", "Yes"), ("2", "No")]


def poll(
    kind: str = "single", options: list[tuple[str, str]] = TWO, anonymous: bool = False
) -> PollView:
    return PollView(
        id=7,
        question="Was the library quiet enough?",
        kind=kind,
        options=options,
        status="open",
        anonymous=anonymous,
        live_results=False,
        follow_up="",
        post_results=False,
        opens_at=None,
        closes_at=None,
        targets=[Target(NAME, "-100")],
    )


def style(caps: Capabilities, p: PollView | None = None) -> Style | None:
    p = p or poll()
    return answer_style(p.kind, p.anonymous, p.options, caps)


NATIVE = replace(PLAIN, native_polls=True, max_poll_options=4, max_option_chars=25)


@pytest.mark.parametrize(("on", "expected"), [(False, Style.REPLY), (True, Style.NATIVE)])
def test_native_polls_decide_between_a_native_poll_and_a_numbered_reply(
    on: bool, expected: Style
) -> None:
    caps = replace(NATIVE, native_polls=on, votes_by_reply=True)
    assert style(caps) is expected
    message = poll_message(poll(), Target(NAME, "-100"), caps, ENGLISH)
    assert (message.poll is not None) is on and message.poll_ref == "fbpoll-7"


@pytest.mark.parametrize(("on", "expected"), [(False, Style.BUTTONS), (True, Style.NATIVE)])
def test_native_poll_voters_prefer_a_native_poll_over_buttons_unless_anonymous(
    on: bool, expected: Style
) -> None:
    caps = replace(NATIVE, buttons=True, native_poll_voters=on)
    assert style(caps) is expected
    assert style(caps, poll(anonymous=True)) is Style.BUTTONS  # the chat would see the voters


@pytest.mark.parametrize(("on", "expected"), [(False, Style.BUTTONS), (True, Style.NATIVE)])
def test_native_multi_lets_a_several_answer_poll_be_native(on: bool, expected: Style) -> None:
    caps = replace(NATIVE, buttons=True, native_poll_voters=True, native_multi=on)
    assert style(caps, poll(kind="multi")) is expected


@pytest.mark.parametrize(("most", "expected"), [(2, Style.REPLY), (3, Style.NATIVE)])
def test_max_poll_options_bounds_a_native_poll(most: int, expected: Style) -> None:
    three = poll(options=[("1", "A"), ("2", "B"), ("3", "C")])
    caps = replace(NATIVE, max_poll_options=most, votes_by_reply=True)
    assert style(caps, three) is expected


@pytest.mark.parametrize(("chars", "expected"), [(9, Style.REPLY), (10, Style.NATIVE)])
def test_max_option_chars_bounds_a_native_poll(chars: int, expected: Style) -> None:
    long = poll(options=[("1", "0123456789"), ("2", "No")])
    caps = replace(NATIVE, max_option_chars=chars, votes_by_reply=True)
    assert style(caps, long) is expected


@pytest.mark.parametrize(("on", "expected"), [(False, Style.REPLY), (True, Style.BUTTONS)])
def test_buttons_are_used_where_the_channel_has_them(on: bool, expected: Style) -> None:
    caps = replace(PLAIN, buttons=on, votes_by_reply=True)
    assert style(caps) is expected
    message = poll_message(poll(), Target(NAME, "-100"), caps, ENGLISH)
    assert [b.value for b in message.buttons] == (["fbpoll-7:1", "fbpoll-7:2"] if on else [])


@pytest.mark.parametrize("on", [False, True])
def test_votes_by_reply_turns_a_reply_into_a_vote_and_makes_a_prompt(on: bool) -> None:
    caps = replace(PLAIN, votes_by_reply=on)
    assert style(caps) is (Style.REPLY if on else None)
    step = ReplyVote(cast(Store, None), {NAME: caps})
    address = Address(Channel(NAME), chat="-100", kind=ConversationKind.GROUP)
    reply = Context(kind=EventKind.MESSAGE, channel=Channel(NAME), text="2", address=address)
    assert step.applies(reply) is on


@pytest.mark.parametrize("on", [False, True])
def test_public_feed_lets_a_poll_go_without_a_chat(on: bool) -> None:
    caps = replace(PLAIN, buttons=True, public_feed=on)
    spec = polls.PollSpec(question="Quiet?", kind="yes_no", options=TWO, targets=[Target(NAME)])
    if on:
        polls.check(spec, {NAME: caps})
    else:
        with pytest.raises(polls.PollRefused, match="needs a chat"):
            polls.check(spec, {NAME: caps})
    kind = poll_message(poll(), Target(NAME), caps, ENGLISH).address.kind
    assert kind is (ConversationKind.PUBLIC if on else ConversationKind.GROUP)


@pytest.mark.parametrize(("limit", "refused"), [(20, True), (2000, False)])
def test_max_text_refuses_a_poll_too_long_for_the_channel(limit: int, refused: bool) -> None:
    caps = replace(PLAIN, buttons=True, max_text=limit)
    spec = polls.PollSpec(
        question="Quiet?" * 5, kind="yes_no", options=TWO, targets=[Target(NAME, "1")]
    )
    if refused:
        with pytest.raises(polls.PollRefused, match=f"too long for {NAME}"):
            polls.check(spec, {NAME: caps})
    else:
        polls.check(spec, {NAME: caps})


@pytest.mark.parametrize("on", [False, True])
def test_an_anonymous_poll_is_refused_only_where_it_would_be_answered_in_public(on: bool) -> None:
    caps = replace(NATIVE, max_option_chars=25 if on else 2, votes_by_reply=True)
    spec = polls.PollSpec(
        question="Quiet?", kind="yes_no", options=TWO, targets=[Target(NAME, "1")], anonymous=True
    )
    if on:
        polls.check(spec, {NAME: caps})  # a native poll of totals keeps it anonymous
    else:
        with pytest.raises(polls.PollRefused, match=f"on {NAME} this poll is answered by public"):
            polls.check(spec, {NAME: caps})


@pytest.mark.parametrize(("on", "notices"), [(False, 2), (True, 1)])
def test_public_broadcast_tells_public_writers_in_one_post(on: bool, notices: int) -> None:
    caps = replace(PLAIN, public_broadcast=on)
    raisers = [Raiser(n, NAME, f"t{n}", "", ConversationKind.PUBLIC.value, {}) for n in (1, 2)]
    action = cast(ActionView, None)
    assert len(plan(action, raisers, {NAME: caps}, lambda _: "We fixed the heating.")) == notices
