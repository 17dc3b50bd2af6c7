"""Urgency figures on models/classifier/eval/urgency.jsonl: recall and false-alarm rate of the
word list, of the encoder's exemplar check, and of both together (what triage uses), on the
held-out ``test`` half (the threshold was chosen on the ``dev`` half); ``--scores`` prints each
dev message's similarities, for choosing the threshold."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from bot.cli.context import urgency_spec
from config.library import load_library_config
from config.settings import load_settings
from handlers.inbox.triage import urgent_word
from models.classifier import load_classifier
from models.classifier.urgency import Urgency

EVAL = Path(__file__).resolve().parent.parent / "models" / "classifier" / "eval" / "urgency.jsonl"


def rows(split: str) -> list[tuple[str, bool]]:
    """(text, urgent) of one half of the set."""
    lines = EVAL.read_text(encoding="utf-8").splitlines()
    found = [json.loads(line) for line in lines if line.strip()]
    return [(r["text"], bool(r["urgent"])) for r in found if r["split"] == split]


def figures(name: str, truth: list[bool], said: list[bool]) -> str:
    """Recall on the urgent ones, false alarms on the rest."""
    t, s = np.array(truth), np.array(said)
    recall = (s & t).sum() / max(t.sum(), 1)
    alarms = (s & ~t).sum() / max((~t).sum(), 1)
    return (
        f"  {name:<16} recall {recall:.2f} ({(s & t).sum()}/{t.sum()})"
        f"  false alarms {alarms:.2f} ({(s & ~t).sum()}/{(~t).sum()})"
    )


def main() -> None:
    """Print the figures (or the dev similarities with --scores)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scores", action="store_true")
    parser.add_argument("--split", default="test")
    args = parser.parse_args()
    settings = load_settings()
    triage = load_library_config(settings.config_file).triage
    spec = urgency_spec(triage)
    model = load_classifier(
        topics_file=settings.topics_file, cache_dir=settings.model_cache_dir, urgency=spec
    )
    split = rows("dev" if args.scores else args.split)
    texts, truth = [t for t, _ in split], [u for _, u in split]
    if args.scores:
        embed = model._engine.run  # a bench may look inside
        urgent, calm = Urgency(spec, lambda t: embed(t)[0]).scores(embed(texts)[0])
        for text, u, a, b in sorted(
            zip(texts, truth, urgent, calm, strict=True), key=lambda r: -r[2]
        ):
            print(f"{'U' if u else '.'} {a:.3f} {b:.3f} {a - b:+.3f}  {text}")
        return
    encoder = [c.urgent for c in model.classify_now(texts)]
    words = [urgent_word(t, triage.urgent_words) is not None for t in texts]
    print(f"urgency on {len(texts)} {args.split} messages ({model.version})")
    print(figures("word list", truth, words))
    print(figures("encoder", truth, encoder))
    print(figures("either (triage)", truth, [a or b for a, b in zip(words, encoder, strict=True)]))


if __name__ == "__main__":
    sys.exit(main())
