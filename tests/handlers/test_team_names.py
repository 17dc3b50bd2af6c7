"""A team key's display name: the wording's ``team_names.<key>``, else the key in words; the
shipped wording names every team the shipped config routes to."""

from __future__ import annotations

from config.wording import Wording
from handlers.team_names import team_name, team_names
from tests.fakes.wording import shipped_library, shipped_wording

WORDING = Wording(
    english={"team_names.it_services": "IT services", "topic_names.noise": "Noise"},
    others={"cy": {"team_names.it_services": "Gwasanaethau TG"}},
)


def test_a_team_named_in_the_wording_reads_as_named() -> None:
    assert team_name(WORDING, "it_services") == "IT services"
    assert team_name(WORDING, "it_services", "cy") == "Gwasanaethau TG"
    assert team_name(WORDING, "it_services", "fr") == "IT services"  # English where none


def test_an_unnamed_team_reads_as_its_key_in_words() -> None:
    assert team_name(WORDING, "customer_engagement") == "Customer engagement"
    assert team_name(WORDING, "estates") == "Estates"
    assert team_name(WORDING, "noise") == "Noise"  # a topic's name is not a team's
    assert team_name(WORDING, "") == ""


def test_team_names_lists_the_named_teams_and_those_asked_for() -> None:
    names = team_names(WORDING, keys=("estates", ""))
    assert names == {"it_services": "IT services", "estates": "Estates"}


def test_the_shipped_wording_names_every_shipped_team() -> None:
    teams = shipped_library().triage.team_names()
    wording = shipped_wording()
    assert "customer_engagement" in teams and "it_services" in teams
    assert sorted(t for t in teams if f"team_names.{t}" not in wording.english) == []
    assert team_name(wording, "customer_engagement") == "Customer engagement"
    assert team_name(wording, "it_services") == "IT services"
