"""Honest labels: the model labels only what it can read; the rest is 'unsure', and a person
still reads an unsure message."""

from __future__ import annotations

from config.triage import TriageConfig
from handlers.inbox.triage import Facts, decide
from models.classification import UNSURE, label_readable
from tests.fakes.classifier import KeywordClassifier


async def test_only_readable_texts_reach_the_model() -> None:
    model = KeywordClassifier()
    texts = ["El wifi no funciona", "the wifi is broken", "Mae'r wifi wedi torri"]
    labels = await label_readable(model, texts, ["es", "en", "cy"])
    assert [(v.sentiment, v.topic) for v in labels] == [
        (UNSURE, UNSURE),
        ("negative", "wifi_and_it"),
        (UNSURE, UNSURE),
    ]
    assert {v.model_version for v in labels} == {model.version}
    assert labels[0].topic_confidence == 0.0 and dict(labels[0].sentiment_scores) == {}
    assert model.calls == 1


async def test_nothing_readable_never_calls_the_model() -> None:
    model = KeywordClassifier()
    labels = await label_readable(model, ["Dziękuję"], ["pl"])
    assert labels[0].topic == UNSURE and model.calls == 0


def test_an_unsure_message_in_a_group_still_goes_to_a_person() -> None:
    rules = TriageConfig()
    unsure = Facts("Hay mucho ruido en la sala", "group", sentiment=UNSURE, topic=UNSURE)
    decision = decide(unsure, rules)
    assert decision.needs_person  # a group message would otherwise go to no one
    assert decision.team == rules.default_team
    sure = Facts("the room is quiet today", "group", sentiment="neutral", topic="noise")
    assert not decide(sure, rules).needs_person
