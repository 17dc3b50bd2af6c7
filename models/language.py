"""Which language a message is in: offline detection (CLD2, compiled into ``pycld2``; nothing is
downloaded) and the rule for text too short or too mixed to tell. Pure; no I/O."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import pycld2

UNDETERMINED = "und"
"""ISO 639-2 'undetermined': no letters to go on and no known language to fall back on."""
FALLBACK = "en"
"""What a short or ambiguous text with letters is taken to be when nothing else is known."""

_OLD_CODES = {"iw": "he", "jw": "jv", "in": "id", "ji": "yi", "no": "nb"}
GUESS_LETTERS = 16
"""Below this many letters an unsure detection is no guess at all (measured with
bench/language.py: from 16 letters no short English text of the set is taken for another)."""
_NOT_LANGUAGES = frozenset({"un", "xx", "zz"})  # CLD2's "unknown" and its script pseudo-codes
NAMES = {
    "en": "English",
    "cy": "Welsh",
    "ga": "Irish",
    "gd": "Scottish Gaelic",
    "ar": "Arabic",
    "bn": "Bengali",
    "de": "German",
    "el": "Greek",
    "es": "Spanish",
    "fa": "Persian",
    "fr": "French",
    "hi": "Hindi",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "nl": "Dutch",
    "pa": "Punjabi",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "so": "Somali",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "ur": "Urdu",
    "vi": "Vietnamese",
    "zh": "Chinese",
}
"""Names shown to staff for the languages a UK library hears most; others show their code."""


_MARKUP = (
    (re.compile(r"```.*?(```|$)", re.S), " "),  # code blocks (an unclosed one runs to the end)
    (re.compile(r"`[^`\n]*`"), " "),  # inline code
    (re.compile(r"<(?:https?://|mailto:)[^|>\s]*\|([^>]*)>"), r" \1 "),  # Slack <url|label>
    (re.compile(r"<[@#!][^>\s]*>"), " "),  # Slack <@U…>, <#C…|name>, <!here>
    (re.compile(r"</?[A-Za-z][^<>]*>"), " "),  # HTML tags, Slack <url>
    (re.compile(r"(?:https?://|www\.)\S+", re.I), " "),  # bare URLs
    (re.compile(r"(?<![\w.])[@#][\w.]+"), " "),  # @mentions, #tags (X, Telegram)
    (re.compile(r":[a-z0-9_+\-]+:", re.I), " "),  # emoji shortcodes (:thumbsup:, :+1:)
)


def strip_markup(text: str) -> str:
    """The words of a message without its markup: HTML tags and entities, URLs, @mentions,
    #tags, emoji shortcodes, Slack's ``<@U…>`` / ``<url|label>`` forms (the label stays) and
    code. CLD2 reads markup as words: user ids and URL paths made English read as Croatian or
    Uzbek."""
    for pattern, replacement in _MARKUP:
        text = pattern.sub(replacement, text)
    return " ".join(html.unescape(text).split())


@dataclass(frozen=True, slots=True)
class Detection:
    """The detector's verdict: a code, and whether it was sure (a long enough, clear text)."""

    language: str
    confident: bool


def detect(text: str) -> Detection:
    """The language of one text; ``und`` and not confident when it cannot tell. A text CLD2 is
    not sure of gets its best guess (not confident) when it has ``GUESS_LETTERS`` letters.
    Markup is stripped first (``strip_markup``)."""
    return _detect_words(strip_markup(text))


def _detect_words(text: str) -> Detection:
    """``detect`` on a text already stripped of its markup."""
    letters = sum(ch.isalpha() for ch in text)
    if not letters:
        return Detection(UNDETERMINED, False)
    clean = text.encode("utf-8", "replace").decode("utf-8")  # a stray surrogate is not fatal
    try:
        reliable, _, found = pycld2.detect(clean)
        code = iso_639_1(found[0][1])
        if reliable and code != UNDETERMINED:
            return Detection(code, True)
        if letters >= GUESS_LETTERS:
            _, _, guessed = pycld2.detect(clean, bestEffort=True)
            return Detection(iso_639_1(guessed[0][1]), False)
    except pycld2.error:
        pass
    return Detection(UNDETERMINED, False)


def iso_639_1(code: str) -> str:
    """CLD2's code as ISO 639-1 ('zh-Hant' -> 'zh', 'iw' -> 'he'); anything else is 'und'."""
    base = code.split("-")[0].lower()
    base = _OLD_CODES.get(base, base)
    unknown = base in _NOT_LANGUAGES or len(base) != 2 or not base.isalpha()
    return UNDETERMINED if unknown else base


def language_of(text: str, known: str | None) -> tuple[str, bool]:
    """The message's language and whether it is a confident detection.

    A confident detection wins. Otherwise the person's known language; else the detector's
    guess for a longer text; else English when the text has letters outside its markup
    ("thanks!", "wifi down" are too short to tell), else ``und`` (an emoji, ``:+1:``).
    """
    words = strip_markup(text)
    found = _detect_words(words)
    if found.confident:
        return found.language, True
    if known:
        return known, False
    if found.language != UNDETERMINED:
        return found.language, False
    has_letters = any(ch.isalpha() for ch in words)
    return (FALLBACK if has_letters else UNDETERMINED), False


def name_of(code: str) -> str:
    """How staff see a language: "Welsh (cy)", "unknown" for 'und', the code when unnamed."""
    if not code or code == UNDETERMINED:
        return "unknown"
    return f"{NAMES[code]} ({code})" if code in NAMES else code


def parse_codes(text: str) -> tuple[str, ...]:
    """ "en, cy" -> ('en', 'cy'); ValueError naming the first entry that is not a 2-letter code."""
    codes = [c.strip().lower() for c in text.split(",") if c.strip()]
    for code in codes:
        if iso_639_1(code) != code or code == UNDETERMINED:
            raise ValueError(f"{code!r} is not an ISO 639-1 language code (such as en, cy)")
    return tuple(dict.fromkeys(codes))


def written_in(code: str) -> str:
    """ " · in Welsh (cy)" for staff notices when not English (nor unknown); else ""."""
    return "" if code in (FALLBACK, UNDETERMINED, "") else f" · in {name_of(code)}"
