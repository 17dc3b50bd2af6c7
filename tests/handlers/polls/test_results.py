"""Poll results: shares per option and channel, CSAT, NPS, response rate."""

from __future__ import annotations

from handlers.polls.kinds import CSAT, NPS, YES_NO, is_low, standard_options
from handlers.polls.results import compute
from tests.support.events import poll


def test_csat_is_the_share_of_fours_and_fives() -> None:
    votes = [("slack", ["5"]), ("telegram", ["4"]), ("slack", ["2"]), ("widget", ["3"])]
    r = compute(poll("csat", CSAT, [40]), votes)
    assert (r.responses, r.csat, r.response_rate) == (4, 50.0, 10.0)
    assert [(o.key, o.count, o.percent) for o in r.options][1:] == [
        ("2", 1, 25.0),
        ("3", 1, 25.0),
        ("4", 1, 25.0),
        ("5", 1, 25.0),
    ]
    assert r.by_channel == {"slack": {"5": 1, "2": 1}, "telegram": {"4": 1}, "widget": {"3": 1}}


def test_nps_is_promoters_minus_detractors() -> None:
    votes = [("slack", ["10"]), ("slack", ["9"]), ("slack", ["8"]), ("slack", ["3"])]
    r = compute(poll("nps", NPS, [None]), votes)
    assert (r.nps, r.csat, r.response_rate) == (25.0, None, None)


def test_no_votes_gives_zeroes_not_errors() -> None:
    r = compute(poll("yes_no", YES_NO, [0]), [])
    assert (r.responses, r.response_rate, [o.percent for o in r.options]) == (0, None, [0.0, 0.0])


def test_low_answers_and_standard_options() -> None:
    assert is_low("csat", ("2",)) and not is_low("csat", ("3",))
    assert is_low("nps", ("6",)) and not is_low("nps", ("7",))
    assert is_low("yes_no", ("no",)) and not is_low("single", ("1",))
    assert standard_options("single", ["Mon", "Tue"]) == [("1", "Mon"), ("2", "Tue")]
