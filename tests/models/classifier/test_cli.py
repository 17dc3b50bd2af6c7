"""The classifier's commands through Typer: JSON lines out, one-line failures."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from bot.cli.classifier import register
from config.settings import Settings, load_settings

from .conftest import TOPICS


def app_for(cache_dir: Path) -> typer.Typer:
    """A Typer app with only the classifier commands, on test settings."""
    app = typer.Typer()
    register(app, lambda: settings(cache_dir))
    return app


def settings(cache_dir: Path) -> Settings:
    """Settings pointing at the shipped topics and a test cache, torch engine."""
    return load_settings(topics_file=TOPICS, model_cache_dir=cache_dir, classify_engine="torch")


def test_classify_prints_one_json_object_per_text(cache_dir: Path, tmp_path: Path) -> None:
    messages = tmp_path / "messages.txt"
    messages.write_text("The café coffee is lovely\n\nIs eduroam down?\n")
    result = CliRunner().invoke(
        app_for(cache_dir), ["classify", "What time do you close?", "--file", str(messages)]
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in rows] == [
        "What time do you close?",
        "The café coffee is lovely",
        "Is eduroam down?",
    ]
    assert {"sentiment", "sentiment_scores", "topic", "topic_confidence", "model_version"} <= rows[
        0
    ].keys()


def test_classify_without_input_fails_with_one_line(cache_dir: Path) -> None:
    result = CliRunner().invoke(app_for(cache_dir), ["classify"])
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0 and "nothing to classify" in result.stderr
