"""How a topic key (``wifi_and_it``) is named to people ("Wi-Fi and IT"): its display name from
the wording (``topic_names.<key>`` in ``config/languages/*.yaml``), else the key in words."""

from __future__ import annotations

from collections.abc import Iterable

from config.wording import ENGLISH, Wording

PREFIX = "topic_names."


def topic_name(wording: Wording, key: str, language: str = ENGLISH) -> str:
    """The topic's display name in ``language`` (English where it has none)."""
    if PREFIX + key in wording.english:
        return wording.text(PREFIX + key, language)
    return in_words(key)


def in_words(key: str) -> str:
    """A key in words, its first letter capital (``it_services`` → "It services")."""
    words = key.replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else key


def topic_names(
    wording: Wording, language: str = ENGLISH, keys: Iterable[str] = ()
) -> dict[str, str]:
    """Every named topic's display name (and those of ``keys``), by key."""
    named = [k[len(PREFIX) :] for k in wording.english if k.startswith(PREFIX)]
    return {k: topic_name(wording, k, language) for k in (*named, *keys)}
