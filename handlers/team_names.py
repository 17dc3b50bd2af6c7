"""How a team key (``customer_engagement``) is named to staff ("Customer engagement"): its
display name from the wording (``team_names.<key>`` in ``config/languages/*.yaml``), else the
key in words; the same rule as topics' (``handlers/topic_names.py``)."""

from __future__ import annotations

from collections.abc import Iterable

from config.wording import ENGLISH, Wording
from handlers.topic_names import in_words

PREFIX = "team_names."


def team_name(wording: Wording, key: str, language: str = ENGLISH) -> str:
    """The team's display name in ``language`` (English where it has none); '' for no team."""
    if PREFIX + key in wording.english:
        return wording.text(PREFIX + key, language)
    return in_words(key)


def team_names(
    wording: Wording, language: str = ENGLISH, keys: Iterable[str] = ()
) -> dict[str, str]:
    """Every named team's display name (and those of ``keys``), by key."""
    named = [k[len(PREFIX) :] for k in wording.english if k.startswith(PREFIX)]
    return {k: team_name(wording, k, language) for k in (*named, *keys) if k}
