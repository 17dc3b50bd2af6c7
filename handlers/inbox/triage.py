"""Triage, pure: does a message need a person, which team, how urgent. No I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from config.triage import TriageConfig
from models.store.inbox.types import PRIORITIES

QUESTION_STARTS = frozenset(
    {
        "how",
        "what",
        "when",
        "where",
        "why",
        "who",
        "which",
        "whom",
        "whose",
        "can",
        "could",
        "is",
        "are",
        "am",
        "do",
        "does",
        "did",
        "will",
        "would",
        "should",
        "shall",
        "may",
        "might",
        "have",
        "has",
        "was",
        "were",
        "any",
        "anyone",
    }
)
WORDS = re.compile(r"[\w']+")


@dataclass(frozen=True, slots=True)
class Facts:
    """What triage looks at for one message."""

    text: str
    conversation_kind: str
    sentiment: str = ""
    topic: str = ""
    low_follow_up: bool = False


@dataclass(frozen=True, slots=True)
class Decision:
    """Triage's verdict, with the rules that made it (shown to staff, handy in tests)."""

    needs_person: bool
    team: str
    priority: str
    reasons: tuple[str, ...]


def decide(facts: Facts, rules: TriageConfig) -> Decision:
    """Apply the rules to one message."""
    why = _needs_person(facts, rules)
    if why and only_pleasantry(facts.text, rules.needs_person.not_when_only):
        why = []
    team = rules.teams.get(facts.topic, rules.default_team)
    priority, raised = _priority(facts, rules)
    return Decision(bool(why), team, priority, tuple(why + raised))


def _needs_person(facts: Facts, rules: TriageConfig) -> list[str]:
    need = rules.needs_person
    checks = {
        f"{facts.conversation_kind} conversation": facts.conversation_kind
        in need.conversation_kinds,
        "question": need.questions and is_question(facts.text),
        f"{facts.sentiment} sentiment": bool(facts.sentiment)
        and facts.sentiment in need.sentiments,
        "low poll score follow-up": need.low_poll_follow_up and facts.low_follow_up,
        "urgent word": urgent_word(facts.text, rules.urgent_words) is not None,
    }
    return [reason for reason, hit in checks.items() if hit]


def _priority(facts: Facts, rules: TriageConfig) -> tuple[str, list[str]]:
    word = urgent_word(facts.text, rules.urgent_words)
    if word is not None:
        return "urgent", [f"urgent word {word!r}"]
    if facts.sentiment == "negative":
        return higher(rules.default_priority, rules.negative_raises_to), ["negative raises"]
    return rules.default_priority, []


def higher(a: str, b: str) -> str:
    """The more urgent of two priorities."""
    return max(a, b, key=PRIORITIES.index)


def is_question(text: str) -> bool:
    """A question mark, or a sentence that opens like a question ("can I ...")."""
    if "?" in text:
        return True
    first = WORDS.findall(text.lower())[:1]
    return bool(first) and first[0] in QUESTION_STARTS


def urgent_word(text: str, words: list[str]) -> str | None:
    """The first urgent word or phrase in the text (whole words, any case), if any."""
    lowered = " ".join(WORDS.findall(text.lower()))
    for word, pattern in _phrases(tuple(words)):
        if pattern.search(lowered):
            return word
    return None


@lru_cache(maxsize=16)
def _phrases(words: tuple[str, ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Each urgent word with its whole-word pattern, compiled once per list of words."""
    found = ((w, " ".join(WORDS.findall(w.lower()))) for w in words)
    return tuple((w, re.compile(rf"\b{re.escape(p)}\b")) for w, p in found if p)


def only_pleasantry(text: str, phrases: list[str]) -> bool:
    """The whole message is one of the phrases ("Thanks!", "ok 👍"), punctuation aside."""
    said = " ".join(WORDS.findall(text.lower()))
    return bool(said) and said in {" ".join(WORDS.findall(p.lower())) for p in phrases}
