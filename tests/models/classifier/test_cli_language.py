"""classify on text the model cannot read: each line says its language, and a Spanish one is
labelled unsure rather than guessed (the real model, offline, torch engine)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from bot.cli.classifier import register
from config.settings import load_settings

from .conftest import TOPICS


def test_classify_says_the_language_and_is_unsure_of_what_it_cannot_read(
    cache_dir: Path,
) -> None:
    settings = load_settings(topics_file=TOPICS, model_cache_dir=cache_dir, classify_engine="torch")
    app = typer.Typer()
    register(app, lambda: settings)
    texts = ["The wifi keeps dropping in the library", "El wifi no funciona en la biblioteca"]
    ran = CliRunner().invoke(app, ["classify", *texts])
    assert ran.exit_code == 0, ran.output
    english, spanish = [json.loads(line) for line in ran.stdout.splitlines()]
    assert english["language"] == "en" and english["topic"] != "unsure"
    assert english["sentiment"] in ("negative", "neutral", "positive")
    assert (spanish["language"], spanish["sentiment"], spanish["topic"]) == (
        "es",
        "unsure",
        "unsure",
    )
    assert (
        spanish["topic_confidence"] == 0.0 and spanish["model_version"] == english["model_version"]
    )
