"""Who may move or split an item, pure: leads and admins any item, agents their own team's."""

from __future__ import annotations

from config.triage import TriageConfig
from handlers.inbox.moves import may_move, team_of
from handlers.inbox.roles import Actor


def test_leads_and_admins_move_any_item_and_agents_only_their_teams() -> None:
    assert may_move(Actor(1, "lead"), "estates")
    assert may_move(Actor(2, "admin", team="it_services"), "estates")
    assert may_move(Actor(3, "agent", team="estates"), "estates")
    assert not may_move(Actor(4, "agent", team="it_services"), "estates")
    assert not may_move(Actor(5, "agent"), "")  # no team on the account: not "the same team"
    assert not may_move(Actor(6, "visitor", team="estates"), "estates")


def test_the_known_teams_are_the_topics_teams_and_the_default() -> None:
    rules = TriageConfig(
        teams={"noise": "estates", "wifi_and_it": "it_services"}, default_team="desk"
    )
    assert rules.team_names() == ("desk", "estates", "it_services")
    assert (team_of("noise", rules), team_of("unsure", rules)) == ("estates", "desk")
