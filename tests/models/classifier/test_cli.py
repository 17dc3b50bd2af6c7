"""The classifier's commands through Typer: JSON lines out, one-line failures."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from bot.cli.classifier import register
from config.settings import Settings, load_settings
from models.classifier.urgency_head import load_urgency_head

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


def test_train_urgency_fits_a_head_from_a_small_file(cache_dir: Path, tmp_path: Path) -> None:
    urgent = [
        "someone fainted on floor 2",
        "a man is following me",
        "smoke in the lift",
        "water pouring onto the computers",
        "someone has a knife",
        "a child is lost and alone",
    ]
    calm = [
        "the wifi is slow",
        "thanks!",
        "when do you close",
        "the printer is jammed",
        "it's noisy upstairs",
        "can I renew my books",
        "the cafe is out of milk",
    ]
    lines = [json.dumps({"text": t, "urgent": True}) for t in urgent]
    lines += [json.dumps({"text": t, "urgent": False}) for t in calm]
    (tmp_path / "train.jsonl").write_text("\n".join(lines) + "\n")
    out = tmp_path / "head.json"
    result = CliRunner().invoke(
        app_for(cache_dir),
        ["train", "urgency", "--file", str(tmp_path / "train.jsonl"), "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.splitlines()[-1])
    assert summary["examples"] == {"urgent": 6, "not_urgent": 7} and summary["engine"].startswith(
        "torch"
    )
    head = load_urgency_head(out)
    assert head.weight.shape == (384,) and head.meta["c"] == summary["c"]


def test_train_urgency_with_a_bad_file_fails_with_one_line(cache_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "train.jsonl").write_text('{"text": "hi"}\n')
    result = CliRunner().invoke(
        app_for(cache_dir), ["train", "urgency", "--file", str(tmp_path / "train.jsonl")]
    )
    assert result.exit_code == 1
    assert "train.jsonl:1" in result.stderr and result.stderr.strip().count("\n") == 0


def test_train_sentiment_from_a_folder_without_an_adapter_fails_with_one_line(
    cache_dir: Path, tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        app_for(cache_dir), ["train", "sentiment", "--distil-from", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert "--distil-from" in result.stderr and "no adapter there" in result.stderr
    assert result.stderr.strip().count("\n") == 0
