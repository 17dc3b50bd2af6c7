"""Classifier benchmark: sentiment vs VADER, topic figures, throughput, latency, peak RSS.

Run as ``python bench/classify.py`` from the repository root (``make bench``).
"""

from __future__ import annotations

import asyncio
import os
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bot.cli.context import urgency_spec
from config.library import load_library_config
from config.settings import Settings, load_settings
from models.classification import SENTIMENTS
from models.classifier import LocalClassifier, load_classifier
from models.classifier.metrics import scores
from models.classifier.topics_eval import load_eval, topic_scores
from models.classifier.tweeteval import load_split

DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "tweeteval"
SPEED_TEXTS = 600


def sentiment_figures(
    model: LocalClassifier, texts: list[str], gold: np.ndarray
) -> tuple[dict[str, float], np.ndarray]:
    """Validation figures and the predicted label indices."""
    pred = np.array([SENTIMENTS.index(v.sentiment) for v in model.classify_now(texts)])
    return scores(pred, gold, 3), pred


def vader_figures(texts: list[str], gold: np.ndarray) -> dict[str, float]:
    """VADER with the usual ±0.05 compound thresholds."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyser = SentimentIntensityAnalyzer()
    compound = np.array([analyser.polarity_scores(t)["compound"] for t in texts])
    pred = np.where(compound >= 0.05, 2, np.where(compound <= -0.05, 0, 1))
    return scores(pred, gold, 3)


def single_message(model: LocalClassifier, texts: Sequence[str]) -> tuple[float, np.ndarray]:
    """Msgs/s and per-call latencies (ms) classifying one text per call."""
    model.classify_now(texts[:20])
    latencies = []
    started = time.perf_counter()
    for text in texts:
        t0 = time.perf_counter()
        model.classify_now([text])
        latencies.append((time.perf_counter() - t0) * 1000)
    return len(texts) / (time.perf_counter() - started), np.array(latencies)


async def micro_batched(
    model: LocalClassifier, texts: Sequence[str], callers: int = 16
) -> tuple[float, np.ndarray]:
    """Msgs/s and per-call latencies (ms) with concurrent single-text callers."""
    latencies: list[float] = []
    queue = list(texts)

    async def caller() -> None:
        while queue:
            text = queue.pop()
            t0 = time.perf_counter()
            await model.classify([text])
            latencies.append((time.perf_counter() - t0) * 1000)

    async with model:
        started = time.perf_counter()
        await asyncio.gather(*(caller() for _ in range(callers)))
        elapsed = time.perf_counter() - started
    return len(texts) / elapsed, np.array(latencies)


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def row(name: str, figures: dict[str, float]) -> str:
    """One aligned line of sentiment figures."""
    recall, acc, f1 = figures["macro_recall"], figures["accuracy"], figures["macro_f1"]
    return f"  {name:<14} macro-recall {recall:.3f}  accuracy {acc:.3f}  macro-F1 {f1:.3f}"


def speed(name: str, rate: float, latencies: np.ndarray) -> str:
    """One aligned line of throughput and latency."""
    p50, p99 = np.percentile(latencies, 50), np.percentile(latencies, 99)
    return f"  {name:<14} {rate:7.1f} msgs/s  p50 {p50:.2f} ms  p99 {p99:.2f} ms"


def prepare() -> None:
    """Build the ONNX model and topic head into the cache (a separate process, kept out of RSS)."""
    settings = load_settings()
    load_classifier(topics_file=settings.topics_file, cache_dir=settings.model_cache_dir)


def sentiment_split() -> tuple[list[str], np.ndarray] | None:
    """The TweetEval validation split, or None (one line said) when this checkout lacks it."""
    if not (DATA_DIR / "val_text.txt").is_file():
        print(f"sentiment vs VADER skipped: no TweetEval split at {DATA_DIR} (not shipped)")
        return None
    return load_split(DATA_DIR, "val")


def main() -> None:
    """Run everything and print the figures; sentiment figures only where the data is."""
    subprocess.run([sys.executable, __file__, "--prepare"], check=True)
    settings = load_settings()
    split = sentiment_split()
    t0 = time.perf_counter()
    model = load_classifier(
        topics_file=settings.topics_file,
        cache_dir=settings.model_cache_dir,
        max_batch=settings.classify_max_batch,
        max_wait_ms=settings.classify_max_wait_ms,
        urgency=urgency_spec(load_library_config(settings.config_file).triage),  # timed too
    )
    print(f"classifier {model.version} (loaded in {time.perf_counter() - t0:.1f} s)")
    ours, ours_pred = sentiment_figures(model, *split) if split else ({}, np.array([]))
    pairs = load_eval()
    topics = topic_scores([t for _, t in pairs], model.classify_now([x for x, _ in pairs]))
    texts = split[0] if split else [x for x, _ in pairs]
    speed_texts = (texts * (2 * SPEED_TEXTS // len(texts) + 1))[: SPEED_TEXTS * 2]
    rate1, lat1 = single_message(model, speed_texts[:SPEED_TEXTS])
    rate_mb, lat_mb = asyncio.run(micro_batched(model, speed_texts))
    rss = peak_rss_mb()
    if split:
        print_sentiment(ours, vader_figures(*split))
    print_topics(topics, len(pairs))
    print(f"speed ({os.cpu_count()} CPUs, {model.version.rsplit('/', 1)[-1]})")
    print(speed("batch 1", rate1, lat1))
    print(speed("micro-batched", rate_mb, lat_mb))
    print(f"  (16 concurrent single-text callers, max batch {settings.classify_max_batch})")
    print(f"  peak RSS       {rss:7.1f} MB")
    if split:
        compare_fp32(settings, *split, ours, ours_pred)


def print_sentiment(ours: dict[str, float], vader: dict[str, float]) -> None:
    """Sentiment side by side with VADER."""
    print("sentiment, TweetEval validation (2,000)")
    print(row("feedbot", ours))
    print(row("VADER ±0.05", vader))


def print_topics(topics: dict[str, float], n_topics: int) -> None:
    """Topic figures on the repository's own evaluation set."""
    print(f"topics, evaluation set ({n_topics})")
    f1, acc, other = topics["macro_f1"], topics["accuracy"], topics["other_rate"]
    print(f"  macro-F1 {f1:.3f}  accuracy {acc:.3f}  sent to other {other:.1%}")


def compare_fp32(
    settings: Settings,
    texts: list[str],
    gold: np.ndarray,
    ours: dict[str, float],
    ours_pred: np.ndarray,
) -> None:
    """The same adapter in torch fp32: figures, agreement and points lost by int8."""
    ref = load_classifier(
        topics_file=settings.topics_file, cache_dir=settings.model_cache_dir, engine="torch"
    )
    figures, pred = sentiment_figures(ref, texts, gold)
    lost = 100 * (figures["macro_recall"] - ours["macro_recall"])
    print("reference, torch fp32 (same adapter)")
    print(row("feedbot fp32", figures))
    agree = np.mean(pred == ours_pred)
    print(
        f"  agreement with the serving engine {agree:.1%}; macro-recall points it lost {lost:+.2f}"
    )


if __name__ == "__main__":
    prepare() if sys.argv[1:] == ["--prepare"] else main()
