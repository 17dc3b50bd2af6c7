"""The topic taxonomy file: topics with descriptions and examples, off-topic examples, threshold."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from models.classification import OTHER_TOPIC


@dataclass(frozen=True, slots=True)
class Topic:
    """One topic: its name, what it covers, and example messages."""

    name: str
    description: str
    examples: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """Everything in the topics file, plus a hash of its bytes."""

    topics: tuple[Topic, ...]
    other_examples: tuple[str, ...]
    threshold: float
    digest: str

    def labelled(self) -> list[tuple[str, str]]:
        """(text, topic) pairs: every example, the off-topic ones labelled other."""
        pairs = [(text, t.name) for t in self.topics for text in t.examples]
        return pairs + [(text, OTHER_TOPIC) for text in self.other_examples]

    def extended(self, names: Sequence[str]) -> Taxonomy:
        """The taxonomy with topics leads made from themes added after the file's (their
        examples are staff corrections); the digest stays the file's."""
        have = {t.name for t in self.topics} | {OTHER_TOPIC}
        extra = tuple(
            Topic(n, "made from a theme", ()) for n in dict.fromkeys(names) if n not in have
        )
        return Taxonomy(self.topics + extra, self.other_examples, self.threshold, self.digest)


def load_taxonomy(path: Path) -> Taxonomy:
    """Read and check the topics file; ValueError names what is wrong."""
    raw = path.read_bytes()
    data = yaml.safe_load(raw) or {}
    topics = tuple(_topic(name, body) for name, body in (data.get("topics") or {}).items())
    if len(topics) < 2:
        raise ValueError(f"{path}: needs at least two topics under 'topics'")
    threshold = float(data.get("threshold", 0.5))
    if not 0.0 <= threshold < 1.0:
        raise ValueError(f"{path}: threshold must be in [0, 1)")
    others = tuple(str(x) for x in data.get("other_examples") or ())
    return Taxonomy(topics, others, threshold, hashlib.sha256(raw).hexdigest()[:8])


def _topic(name: str, body: dict[str, object]) -> Topic:
    """One topic entry, checked."""
    if name == OTHER_TOPIC:
        raise ValueError(
            f"'{OTHER_TOPIC}' is reserved: put off-topic messages under other_examples"
        )
    examples = tuple(str(x) for x in body.get("examples") or ())  # type: ignore[attr-defined]
    if len(examples) < 2:
        raise ValueError(f"topic {name!r} needs at least two examples")
    return Topic(str(name), str(body.get("description", "")), examples)
