"""A deterministic stand-in classifier for tests that are not about the model."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from models.classification import OTHER_TOPIC, Classification

TOPIC_WORDS = {
    "wifi": "wifi_and_it",
    "printer": "printing_and_scanning",
    "noisy": "noise",
    "open": "opening_hours",
}
NEGATIVE = ("broken", "terrible", "noisy", "awful", "never works")
POSITIVE = ("thanks", "great", "love", "brilliant")


class KeywordClassifier:
    """Labels by keywords; can be told to fail the next N calls to test retries."""

    version = "fake-keywords-1"

    def __init__(self) -> None:
        self.calls = 0
        self.fail_next = 0

    async def classify(self, texts: Sequence[str]) -> list[Classification]:
        self.calls += 1
        await asyncio.sleep(0)
        if self.fail_next > 0:
            self.fail_next -= 1
            raise RuntimeError("classifier unavailable (injected)")
        return [self._one(t.lower()) for t in texts]

    def _one(self, text: str) -> Classification:
        sentiment = "neutral"
        if any(w in text for w in NEGATIVE):
            sentiment = "negative"
        elif any(w in text for w in POSITIVE):
            sentiment = "positive"
        topic = next((t for w, t in TOPIC_WORDS.items() if w in text), OTHER_TOPIC)
        scores = {s: (0.8 if s == sentiment else 0.1) for s in ("negative", "neutral", "positive")}
        return Classification(
            sentiment, scores, topic, 0.9 if topic != OTHER_TOPIC else 0.2, self.version
        )
