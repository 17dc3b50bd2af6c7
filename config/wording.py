"""Everything the bot says, per language: English from the config file and `en.yaml`, other
languages from `<code>.yaml` files beside it, each key falling back to English."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from config.iso639 import ISO_639_1
from config.library import LibraryConfig
from config.settings import SettingsError

ENGLISH = "en"
SETTING = "FEEDBOT_LANGUAGES_DIR"
FIELD = re.compile(r"\{([a-z_]+)\}")

LIBRARY_KEYS = (
    "library_name",
    "acknowledgements.*",
    "safety.guidance",
    "widget_title",
    "widget_intro",
    "csat_question",
    "canned_replies.*",
    "opt_out_reply",
    "opt_in_reply",
    "poll_templates.*.question",
    "poll_templates.*.follow_up",
)
"""The keys of the config file (FEEDBOT_CONFIG_FILE) that are wording, as dotted patterns."""


def placeholders(text: str) -> frozenset[str]:
    """The {fields} a text fills in."""
    return frozenset(FIELD.findall(text))


def fill(text: str, fields: Mapping[str, object]) -> str:
    """Fill the {fields} given; any other braces stay as written."""
    return FIELD.sub(lambda m: str(fields[m[1]]) if m[1] in fields else m[0], text)


@dataclass(frozen=True)
class Wording:
    """The bot's sentences by key and language (built once, in the composition root)."""

    english: Mapping[str, str]
    others: Mapping[str, Mapping[str, str]]

    @property
    def languages(self) -> tuple[str, ...]:
        """English first, then every language with a file."""
        return (ENGLISH, *sorted(self.others))

    def known(self, language: str) -> str:
        """``language`` if the bot can speak it, else English."""
        return language if language in self.others else ENGLISH

    def text(self, key: str, language: str = ENGLISH, **fields: object) -> str:
        """The sentence ``key`` in ``language`` (English where it has none), fields filled;
        ``{library}`` is the library's name in that language unless given."""
        if key not in self.english:
            raise KeyError(f"no wording key {key!r}")
        own = self.others.get(language, {})
        raw = own[key] if key in own else self.english[key]
        if "library" not in fields:
            fields["library"] = own.get("library_name", self.english.get("library_name", ""))
        return fill(raw, fields)

    def speaking(self, language: str) -> Speech:
        """This wording bound to one language (for a page or a message)."""
        return Speech(self, self.known(language))

    def translated(self, english_text: str, language: str) -> str:
        """A sentence stored as its English wording (a template's poll question, the CSAT
        question, a standard answer), in ``language`` where a key has exactly that English
        text ({library} filled in); otherwise as stored."""
        key = self._stored.get(english_text)
        if key is None or key not in self.others.get(language, {}):
            return english_text
        return self.text(key, language)

    @cached_property
    def _stored(self) -> dict[str, str]:
        """English sentences with no {fields} but {library}, filled in → their key."""
        plain = (k for k, v in self.english.items() if placeholders(v) <= {"library"})
        return {self.text(k): k for k in reversed(list(plain))}


@dataclass(frozen=True)
class Speech:
    """Wording in one language: ``speech.text(key, **fields)``."""

    wording: Wording
    language: str

    def text(self, key: str, **fields: object) -> str:
        """The sentence ``key`` in this language."""
        return self.wording.text(key, self.language, **fields)


def load_wording(library: LibraryConfig, folder: Path) -> Wording:
    """English from the config file and ``folder/en.yaml``, then every ``<code>.yaml``.
    A file named for no ISO 639-1 code, a key English does not have, or a sentence with other
    {fields} than its English is refused with a SettingsError naming the file and key."""
    english = _english(library, folder)
    others = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.stem != ENGLISH:
            others[_code(path)] = _checked(path, _flat(path), english)
    return Wording(english, others)


def _english(library: LibraryConfig, folder: Path) -> dict[str, str]:
    """The config file's wording and the bot's own phrases (en.yaml), which may not overlap."""
    own = library_wording(library)
    path = folder / f"{ENGLISH}.yaml"
    phrases = _flat(path)
    clash = sorted(own.keys() & phrases.keys())
    if clash:
        raise SettingsError(f"{SETTING}: {path}: {clash[0]} is set in FEEDBOT_CONFIG_FILE")
    return {**own, **phrases}


def library_wording(library: LibraryConfig) -> dict[str, str]:
    """The wording keys of the library's config, flattened ("canned_replies.fixed")."""
    flat = _flatten(library.model_dump(), "")
    return {
        k: v
        for k, v in flat.items()
        if isinstance(v, str) and any(fnmatchcase(k, p) for p in LIBRARY_KEYS)
    }


def _code(path: Path) -> str:
    code = path.stem
    if code not in ISO_639_1:
        raise SettingsError(
            f"{SETTING}: {path.name}: {code!r} is not an ISO 639-1 language code (like cy, es)"
        )
    return code


def _checked(path: Path, flat: dict[str, str], english: Mapping[str, str]) -> dict[str, str]:
    """Every key known to English, with the same {fields}."""
    for key, text in flat.items():
        if key not in english:
            near = difflib.get_close_matches(key, list(english), n=1)
            hint = f" (did you mean {near[0]}?)" if near else ""
            raise SettingsError(f"{SETTING}: {path}: unknown wording key {key}{hint}")
        if key.endswith("months") and len(text.split()) != 12:
            raise SettingsError(f"{SETTING}: {path}: {key} needs the 12 months' names")
        if key == "when.days" and len(text.split()) != 7:
            raise SettingsError(f"{SETTING}: {path}: {key} needs the 7 days' names, Monday first")
        want, got = placeholders(english[key]), placeholders(text)
        if want != got:
            raise SettingsError(
                f"{SETTING}: {path}: {key} uses {_names(got)} but its English uses {_names(want)}"
            )
    return flat


def _names(fields: frozenset[str]) -> str:
    return ", ".join("{" + f + "}" for f in sorted(fields)) or "no {fields}"


def _flat(path: Path) -> dict[str, str]:
    """A wording file as dotted keys; every value a string."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise SettingsError(f"{SETTING}: cannot read {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise SettingsError(f"{SETTING}: {path} is not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise SettingsError(f"{SETTING}: {path}: expected keys and their wording")
    flat = _flatten(raw, "")
    for key, value in flat.items():
        if not isinstance(value, str):
            raise SettingsError(f"{SETTING}: {path}: {key} should be text, not {value!r}")
    return flat


def _flatten(tree: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in tree.items():
        key = f"{prefix}{name}"
        if isinstance(value, Mapping):
            out.update(_flatten(value, f"{key}."))
        else:
            out[key] = value
    return out
