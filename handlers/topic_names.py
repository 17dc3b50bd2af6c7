"""How a topic key (``wifi_and_it``) is named to people ("Wi-Fi and IT"): its display name from
the wording (``topic_names.<key>`` in ``config/languages/*.yaml``), else the key in words. Teams
are named by the same rule from their own section (``handlers/team_names.py``)."""

from __future__ import annotations

from collections.abc import Iterable

from config.wording import ENGLISH, Wording

PREFIX = "topic_names."


def topic_name(wording: Wording, key: str, language: str = ENGLISH) -> str:
    """The topic's display name in ``language`` (English where it has none)."""
    return display_name(wording, PREFIX, key, language)


def topic_names(
    wording: Wording, language: str = ENGLISH, keys: Iterable[str] = ()
) -> dict[str, str]:
    """Every named topic's display name (and those of ``keys``), by key."""
    return display_names(wording, PREFIX, language, keys)


def display_name(wording: Wording, prefix: str, key: str, language: str = ENGLISH) -> str:
    """``key``'s name from the wording section ``prefix`` in ``language``, else in words."""
    if prefix + key in wording.english:
        return wording.text(prefix + key, language)
    return in_words(key)


def display_names(
    wording: Wording, prefix: str, language: str = ENGLISH, keys: Iterable[str] = ()
) -> dict[str, str]:
    """Every key the wording section ``prefix`` names (and ``keys``), with its name."""
    named = [k[len(prefix) :] for k in wording.english if k.startswith(prefix)]
    return {k: display_name(wording, prefix, k, language) for k in (*named, *keys) if k}


def in_words(key: str) -> str:
    """A key in words, its first letter capital (``it_services`` → "It services")."""
    words = key.replace("_", " ").strip()
    return first_upper(words) if words else key


def first_upper(text: str) -> str:
    """``text`` with its first letter a capital and the rest as it is."""
    return text[:1].upper() + text[1:]
