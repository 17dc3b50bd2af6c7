"""One classifier per test session (torch engine: no ONNX build in tests), offline."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli.context import urgency_spec
from config.library import load_library_config
from models.classifier import LocalClassifier, load_classifier

ROOT = Path(__file__).resolve().parents[3]
TOPICS = ROOT / "config" / "topics.yaml"
TRIAGE = load_library_config(ROOT / "config" / "feedbot.yaml").triage


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model cache shared by the session's tests."""
    return tmp_path_factory.mktemp("model-cache")


@pytest.fixture(scope="session")
def classifier(cache_dir: Path) -> Iterator[LocalClassifier]:
    """The real classifier with the shipped urgency exemplars, loaded once with the hub off."""
    previous = os.environ.get("HF_HUB_OFFLINE")
    os.environ["HF_HUB_OFFLINE"] = "1"
    yield load_classifier(
        topics_file=TOPICS,
        cache_dir=cache_dir,
        engine="torch",
        max_batch=8,
        max_wait_ms=2.0,
        urgency=urgency_spec(TRIAGE),
    )
    if previous is None:
        os.environ.pop("HF_HUB_OFFLINE", None)
