"""Urgency figures: recall and false-alarm rate of the word list, the encoder's exemplar check,
the urgency head, and the rules triage used before and uses now, on one half of
models/classifier/eval/urgency.jsonl and of the library set (``--split test``: the held-out
halves, ``urgency.jsonl`` test and ``library_heldout.jsonl``; ``dev``: the dev halves).

As in the pipeline, the classifier's parts count only for English messages (other languages
are labelled unsure and reach urgency through the word list); the ``ungated`` lines count them
for every message, as this script did before the head. ``--scores`` prints each dev message's
exemplar similarities and head probability, for choosing thresholds."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bot.cli.context import urgency_spec
from config.library import load_library_config
from config.settings import load_settings
from config.triage import TriageConfig
from handlers.inbox.triage import urgent_word
from models.classification import READABLE_LANGUAGES
from models.classifier import LocalClassifier, load_classifier
from models.classifier.library_eval import DEV_FILE, HELDOUT_FILE, load_library
from models.language import language_of

EVAL = Path(__file__).resolve().parent.parent / "models" / "classifier" / "eval" / "urgency.jsonl"
Flags = np.ndarray


def rows(split: str) -> list[tuple[str, bool]]:
    """(text, urgent) of one half of urgency.jsonl."""
    lines = EVAL.read_text(encoding="utf-8").splitlines()
    found = [json.loads(line) for line in lines if line.strip()]
    return [(r["text"], bool(r["urgent"])) for r in found if r["split"] == split]


def library_rows(split: str) -> list[tuple[str, bool]]:
    """(text, urgent) of one half of the library set."""
    return [(r.text, r.urgent) for r in load_library(DEV_FILE if split == "dev" else HELDOUT_FILE)]


def figures(name: str, truth: Flags, said: Flags) -> str:
    """Recall on the urgent ones, false alarms on the rest."""
    t, s = truth, said
    recall = (s & t).sum() / max(t.sum(), 1)
    alarms = (s & ~t).sum() / max((~t).sum(), 1)
    return (
        f"  {name:<34} recall {recall:.2f} ({(s & t).sum()}/{t.sum()})"
        f"  false alarms {alarms:.2f} ({(s & ~t).sum()}/{(~t).sum()})"
    )


def embeddings(model: LocalClassifier, texts: Sequence[str]) -> np.ndarray:
    """The embeddings classify_now computes: texts sorted by length, 32 to an engine call."""
    engine = model._engine  # a bench may look inside
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = np.zeros((len(texts), 384), np.float32)
    for start in range(0, len(order), 32):
        chunk = order[start : start + 32]
        out[chunk] = engine.run([texts[i] or "." for i in chunk])[0]
    return out


def report(
    model: LocalClassifier, triage: TriageConfig, title: str, found: list[tuple[str, bool]]
) -> tuple[Flags, Flags]:
    """Every rule's line on one set of (text, urgent); returns the truth and what triage now
    says (the word list, or the classifier for English)."""
    texts, truth = [t for t, _ in found], np.array([u for _, u in found], dtype=bool)
    english = np.array([language_of(t, None)[0] in READABLE_LANGUAGES for t in texts])
    words = np.array([urgent_word(t, triage) is not None for t in texts], dtype=bool)
    x = embeddings(model, texts)
    near = np.array(model._urgency.exemplar_flags(x), dtype=bool)
    head = model._urgency._head
    learnt = np.array(head.flags(x) if head else [False] * len(texts), dtype=bool)
    served = np.array([c.urgent for c in model.classify_now(texts)], dtype=bool)
    print(f"{title}: {len(texts)} messages, {int((~english).sum())} not English")
    print(figures("word list", truth, words))
    print(figures("exemplars (English)", truth, near & english))
    print(figures("head (English)", truth, learnt & english))
    print(figures("before: words | exemplars", truth, words | (near & english)))
    print(figures("now: words | exemplars | head", truth, words | (served & english)))
    print(figures("before, ungated", truth, words | near))
    print(figures("now, ungated", truth, words | served))
    return truth, words | (served & english)


def scores(model: LocalClassifier, found: list[tuple[str, bool]]) -> None:
    """Each message's exemplar similarities and head probability, highest head first."""
    texts = [t for t, _ in found]
    x = embeddings(model, texts)
    urgent, calm = model._urgency.scores(x)
    head = model._urgency._head
    p = head.probabilities(x) if head else np.zeros(len(texts))
    for i in np.argsort(-p):
        mark = "U" if found[i][1] else "."
        print(f"{mark} head {p[i]:.3f}  near {urgent[i]:.3f} {calm[i]:.3f}  {texts[i]}")


def main() -> None:
    """Print the figures (or the dev scores with --scores)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scores", action="store_true")
    parser.add_argument("--split", default="test", choices=("dev", "test"))
    args = parser.parse_args()
    settings = load_settings()
    triage = load_library_config(settings.config_file).triage
    model = load_classifier(
        topics_file=settings.topics_file,
        cache_dir=settings.model_cache_dir,
        urgency=urgency_spec(triage),
    )
    if args.scores:
        scores(model, rows("dev") + library_rows("dev"))
        return
    print(f"urgency, {args.split} halves ({model.version})")
    sets = [
        report(model, triage, f"urgency.jsonl {args.split}", rows(args.split)),
        report(model, triage, f"library {args.split}", library_rows(args.split)),
    ]
    truth, said = (np.concatenate(part) for part in zip(*sets, strict=True))
    print(f"both {args.split} halves together ({len(truth)} messages)")
    print(figures("now: words | exemplars | head", truth, said))


if __name__ == "__main__":
    main()
