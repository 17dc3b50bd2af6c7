"""Triage, pure: does a message need a person, which team, how urgent. No I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from config.triage import TriageConfig
from models.classification import UNSURE
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
    urgent: bool = False  # the classifier's urgency signal


@dataclass(frozen=True, slots=True)
class Decision:
    """Triage's verdict: whether a person answers, which team, how soon."""

    needs_person: bool
    team: str
    priority: str
    urgent: bool = False  # someone may be in danger: safety guidance, clock hours, alert now


def decide(facts: Facts, rules: TriageConfig) -> Decision:
    """Apply the rules to one message."""
    why = _needs_person(facts, rules)
    if why and _nothing_to_answer(facts, rules):
        why = []
    team = rules.teams.get(facts.topic, rules.default_team)
    danger = urgency(facts, rules)
    priority = "urgent" if danger else _priority(facts, rules)
    return Decision(bool(why), team, priority, danger is not None)


def _needs_person(facts: Facts, rules: TriageConfig) -> list[str]:
    need = rules.needs_person
    checks = {
        f"{facts.conversation_kind} conversation": facts.conversation_kind
        in need.conversation_kinds,
        "question": need.questions and is_question(facts.text),
        f"{facts.sentiment} sentiment": bool(facts.sentiment)
        and facts.sentiment in need.sentiments,
        "low poll score follow-up": need.low_poll_follow_up and facts.low_follow_up,
        "urgent": urgency(facts, rules) is not None,
        "unsure labels: a person reads it": facts.sentiment == UNSURE,
    }
    return [reason for reason, hit in checks.items() if hit]


def _priority(facts: Facts, rules: TriageConfig) -> str:
    if facts.sentiment == "negative":
        return higher(rules.default_priority, rules.negative_raises_to)
    return rules.default_priority


def urgency(facts: Facts, rules: TriageConfig) -> str | None:
    """Why the message is urgent (an urgent word, or the classifier's reading), or None."""
    word = urgent_word(facts.text, rules)
    if word is not None:
        return f"urgent word {word!r}"
    return "read as urgent" if facts.urgent else None


def higher(a: str, b: str) -> str:
    """The more urgent of two priorities."""
    return max(a, b, key=PRIORITIES.index)


def is_question(text: str) -> bool:
    """A question mark, or a sentence that opens like a question ("can I ...")."""
    if "?" in text:
        return True
    first = WORDS.findall(text.lower())[:1]
    return bool(first) and first[0] in QUESTION_STARTS


def urgent_word(text: str, rules: TriageConfig) -> str | None:
    """The first of ``rules.urgent_words`` in the text (whole words, any case), if any, not
    counting one inside one of ``rules.not_urgent_phrases`` there ("fire" in "the fire drill",
    "urgent" in "nothing urgent"); the same word elsewhere in the text still counts."""
    lowered = " ".join(WORDS.findall(text.lower()))
    for _, calm in _phrases(tuple(rules.not_urgent_phrases)):
        lowered = calm.sub(" | ", lowered)
    for word, pattern in _phrases(tuple(rules.urgent_words)):
        if pattern.search(lowered):
            return word
    return None


@lru_cache(maxsize=16)
def _phrases(words: tuple[str, ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Each word or phrase with its whole-word pattern, compiled once per list."""
    found = ((w, " ".join(WORDS.findall(w.lower()))) for w in words)
    return tuple((w, re.compile(rf"\b{re.escape(p)}\b")) for w, p in found if p)


def _nothing_to_answer(facts: Facts, rules: TriageConfig) -> bool:
    """Only a pleasantry ("thanks!"), or no words at all (👍, "!!") unless read as negative."""
    if only_pleasantry(facts.text, rules.needs_person.not_when_only):
        return True
    wordless = not WORDS.search(facts.text) and "?" not in facts.text
    return wordless and facts.sentiment != "negative"


def only_pleasantry(text: str, phrases: list[str]) -> bool:
    """The whole message is made of the phrases ("Thanks!", "ok cheers 👍"), punctuation
    aside."""
    said = WORDS.findall(text.lower())
    known = {tuple(WORDS.findall(p.lower())) for p in phrases} - {()}
    ends = {0}  # the word positions a run of phrases can reach from the start
    for i in range(len(said)):
        if i in ends:
            ends |= {i + len(p) for p in known if tuple(said[i : i + len(p)]) == p}
    return bool(said) and len(said) in ends
