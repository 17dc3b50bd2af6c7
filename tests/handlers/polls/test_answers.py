"""What a vote means, decided without a database: button values, native positions, toggles."""

from __future__ import annotations

from handlers.polls.answers import by_position, chosen, option_key, tapped_keys, toggle
from models.store.polls.definitions import PollView
from tests.support.events import poll


def NEVER_READ() -> tuple[str, ...]:
    raise AssertionError("the current answer was read")


def poll_view(kind: str, options: list[tuple[str, str]]) -> PollView:
    return poll(kind, options, [None])


def test_a_button_value_carries_the_option_key_after_the_poll_reference() -> None:
    assert option_key("fbpoll-7:yes") == "yes"
    assert option_key("yes") == "yes"


def test_tapped_keys_keep_known_options_once_in_order() -> None:
    poll = poll_view(kind="multi", options=[("a", "A"), ("b", "B"), ("c", "C")])
    assert tapped_keys(poll, ["fbpoll-1:c", "fbpoll-1:zz", "fbpoll-1:a", "fbpoll-1:c"]) == (
        "c",
        "a",
    )


def test_a_native_answer_names_positions_and_replaces_the_answer() -> None:
    poll = poll_view(kind="multi", options=[("a", "A"), ("b", "B"), ("c", "C")])
    assert by_position(poll, ["2", "0", "9", "x"]) == ("c", "a")
    assert chosen(poll, ["1"], True, NEVER_READ) == ("b",)


def test_one_tap_on_a_multi_choice_option_toggles_it_in_the_current_answer() -> None:
    poll = poll_view(kind="multi", options=[("a", "A"), ("b", "B")])
    assert chosen(poll, ["fbpoll-1:b"], False, lambda: ("a",)) == ("a", "b")
    assert chosen(poll, ["fbpoll-1:a"], False, lambda: ("a", "b")) == ("b",)
    assert toggle((), "a") == ("a",)


def test_a_tap_on_a_single_answer_poll_is_the_whole_answer() -> None:
    poll = poll_view(kind="single", options=[("a", "A"), ("b", "B")])
    assert chosen(poll, ["fbpoll-1:b"], False, NEVER_READ) == ("b",)
    assert chosen(poll, [], False, NEVER_READ) == ()  # a retraction
