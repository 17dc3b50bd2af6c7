"""How a team key (``customer_engagement``) is named to staff ("Customer engagement"): its
display name from the wording (``team_names.<key>`` in ``config/languages/*.yaml``), else the
key in words; the same rule as topics' (``handlers/topic_names.py``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from config.wording import ENGLISH, Wording
from handlers.topic_names import display_name, display_names

PREFIX = "team_names."


def team_name(wording: Wording, key: str, language: str = ENGLISH) -> str:
    """The team's display name in ``language`` (English where it has none); '' for no team."""
    return display_name(wording, PREFIX, key, language)


def team_names(
    wording: Wording, language: str = ENGLISH, keys: Iterable[str] = ()
) -> dict[str, str]:
    """Every named team's display name (and those of ``keys``), by key."""
    return display_names(wording, PREFIX, language, keys)


class NamesTeams(Exception):
    """A refusal whose words name teams (``{teams}`` in ``template``, joined by commas):
    ``str()`` writes their keys (the command line, where staff type keys);
    ``said(name)`` writes each team as ``name`` does (the staff pages and the staff channel:
    its display name)."""

    def __init__(self, template: str, teams: Sequence[str]) -> None:
        self.template = template
        self.teams = tuple(teams)
        super().__init__(self.said(str))

    def said(self, name: Callable[[str], str]) -> str:
        """The words, each team written by ``name``."""
        return self.template.format(teams=", ".join(name(t) for t in self.teams))
