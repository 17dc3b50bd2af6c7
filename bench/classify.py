"""Classifier benchmark: sentiment vs VADER, topic figures, the library evaluation set (dev and
held-out), urgency and language figures, throughput, latency, peak RSS.

Run as ``python bench/classify.py`` from the repository root (``make bench``).
"""

from __future__ import annotations

import asyncio
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench.onnx_ceiling import Ceiling, measure, onnx_model
from bot.cli.context import urgency_spec
from config.library import load_library_config
from config.settings import Settings, load_settings
from config.triage import TriageConfig
from handlers.inbox.triage import urgent_word
from models.classification import SENTIMENTS
from models.classifier import LocalClassifier, load_classifier
from models.classifier.backend import cores
from models.classifier.library_eval import (
    DEV_FILE,
    HELDOUT_FILE,
    LibraryMessage,
    label_figures,
    load_library,
    urgent_figures,
)
from models.classifier.metrics import scores
from models.classifier.runtime import WEIGHTS_DIR
from models.classifier.topics_eval import EVAL_FILE, load_eval, topic_scores
from models.classifier.tweeteval import load_split


def _data_dir() -> Path:
    """shared/data/tweeteval beside the checkout (a main checkout or a worktree one level down)."""
    here = Path(__file__).resolve()
    found = [p / "shared" / "data" / "tweeteval" for p in here.parents[1:4]]
    return next((p for p in found if p.is_dir()), found[1])


DATA_DIR = _data_dir()
SPEED_TEXTS = 600
FALLBACK_TEXTS = ["the wifi on level 3 keeps dropping", "what time do you open on sunday?"]


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


def language_detector() -> Callable[[str], str] | None:
    """The message-language detector when this checkout has one (models.language), else None."""
    try:
        from models.language import language_of  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    return lambda text: str(language_of(text, None)[0])


Urgency = tuple[str, Callable[[list[str]], list[bool]]]


def urgency_sources(model: LocalClassifier, rules: TriageConfig) -> list[Urgency]:
    """Urgency as the classifier reads it (Classification.urgent), and as triage decides it:
    an urgent word from the library's config, or else the classifier's reading
    (handlers/inbox/triage.urgency), which is what sets an item's priority."""

    def classifier(texts: list[str]) -> list[bool]:
        return [v.urgent for v in model.classify_now(texts)]

    def triage(texts: list[str]) -> list[bool]:
        read = classifier(texts)
        return [urgent_word(t, rules) is not None or r for t, r in zip(texts, read, strict=True)]

    return [("classifier alone", classifier), ("triage: urgent word or classifier", triage)]


def library_section(
    model: LocalClassifier,
    detect: Callable[[str], str] | None,
    urgency: list[Urgency],
) -> None:
    """Labels, urgency and language figures on the library set, dev and held-out apart."""
    print(f"library messages (models/classifier/eval; {model.version})")
    for name, path in (("dev", DEV_FILE), ("held-out", HELDOUT_FILE)):
        if not path.is_file():
            print(f"  {name}: skipped, no file at {path}")
            continue
        rows = load_library(path)
        english = [r for r in rows if r.language == "en"]
        figures = label_figures(english, model.classify_now([r.text for r in english]))
        f1, acc = figures["topic_macro_f1"], figures["topic_accuracy"]
        recall, neutral = figures["sentiment_macro_recall"], figures["neutral_recall"]
        print(
            f"  {name:<8} English {len(english):>3}: topic macro-F1 {f1:.3f}  accuracy {acc:.3f}"
            f"  sentiment macro-recall {recall:.3f}  neutral recall {neutral:.3f}"
        )
        for urgent in urgency:
            print("  " + urgent_line(name, rows, urgent))
        print("  " + language_line(name, rows, detect))


def urgent_line(name: str, rows: list[LibraryMessage], urgent: Urgency) -> str:
    """Urgent recall and false-alarm rate over every message of one part."""
    how, flag = urgent
    u = urgent_figures(rows, flag([r.text for r in rows]))
    return (
        f"{name:<8} urgent, {how}: recall {u['urgent_recall']:.3f} of {u['urgent_n']:.0f}"
        f"  false alarms {u['false_alarm_rate']:.3f} of {len(rows) - u['urgent_n']:.0f}"
    )


def language_line(
    name: str, rows: list[LibraryMessage], detect: Callable[[str], str] | None
) -> str:
    """Language-ID accuracy over every message of one part, or why it is skipped."""
    if detect is None:
        return f"{name:<8} language ID: skipped (no models.language detector in this checkout)"
    right = [detect(r.text) == r.language for r in rows]
    others = [ok for ok, r in zip(right, rows, strict=True) if r.language != "en"]
    return (
        f"{name:<8} language ID: accuracy {np.mean(right):.3f} of {len(rows)}"
        f"  (not English: {np.mean(others) if others else float('nan'):.3f} of {len(others)})"
    )


def single_message(
    model: LocalClassifier, texts: Sequence[str], extra: Callable[[str], object]
) -> tuple[float, np.ndarray]:
    """Msgs/s and per-call latencies (ms) classifying one text per call (extra work included)."""
    model.classify_now(texts[:20])
    latencies = []
    started = time.perf_counter()
    for text in texts:
        t0 = time.perf_counter()
        extra(text)
        model.classify_now([text])
        latencies.append((time.perf_counter() - t0) * 1000)
    return len(texts) / (time.perf_counter() - started), np.array(latencies)


async def micro_batched(
    model: LocalClassifier, texts: Sequence[str], extra: Callable[[str], object], callers: int = 16
) -> tuple[float, np.ndarray]:
    """Msgs/s and per-call latencies (ms) with concurrent single-text callers."""
    latencies: list[float] = []
    queue = list(texts)

    async def caller() -> None:
        while queue:
            text = queue.pop()
            t0 = time.perf_counter()
            extra(text)
            await model.classify([text])
            latencies.append((time.perf_counter() - t0) * 1000)

    async with model:
        started = time.perf_counter()
        await asyncio.gather(*(caller() for _ in range(callers)))
        elapsed = time.perf_counter() - started
    return len(texts) / elapsed, np.array(latencies)


def load() -> str:
    """The 1-minute load average against the CPU count, as text."""
    return f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"


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
    triage = load_library_config(settings.config_file).triage
    t0 = time.perf_counter()
    model = load_classifier(
        topics_file=settings.topics_file,
        cache_dir=settings.model_cache_dir,
        max_batch=settings.classify_max_batch,
        max_wait_ms=settings.classify_max_wait_ms,
        threads=settings.classify_threads,
        urgency=urgency_spec(triage),  # timed too
    )
    print(f"classifier {model.version} (loaded in {time.perf_counter() - t0:.1f} s)")
    ours, ours_pred = sentiment_figures(model, *split) if split else ({}, np.array([]))
    pairs = load_eval() if EVAL_FILE.is_file() else []
    topics = (
        topic_scores([t for _, t in pairs], model.classify_now([x for x, _ in pairs]))
        if pairs
        else {}
    )
    detect = language_detector()
    texts = split[0] if split else [x for x, _ in pairs] or FALLBACK_TEXTS
    speed_texts = (texts * (2 * SPEED_TEXTS // len(texts) + 1))[: SPEED_TEXTS * 2]
    extra = per_message_extra(detect, triage)
    cpu0 = time.process_time()
    rate1, lat1 = single_message(model, speed_texts[:SPEED_TEXTS], extra)
    cpu1 = time.process_time()
    rate_mb, lat_mb = asyncio.run(micro_batched(model, speed_texts, extra))
    cpu_ms = (
        1000 * (cpu1 - cpu0) / SPEED_TEXTS,
        1000 * (time.process_time() - cpu1) / len(speed_texts),
    )
    rss = peak_rss_mb()
    ceiling = network_ceiling(settings, speed_texts[:SPEED_TEXTS])
    if split:
        print_sentiment(ours, vader_figures(*split), model.version)
    if topics:
        print_topics(topics, len(pairs))
    else:
        print(f"topics skipped: no evaluation set at {EVAL_FILE}")
    library_section(model, detect, urgency_sources(model, triage))
    print(f"speed ({os.cpu_count()} CPUs, {model.version})")
    print(speed("batch 1", rate1, lat1) + f"  CPU {cpu_ms[0]:.2f} ms/msg")
    print(speed("micro-batched", rate_mb, lat_mb) + f"  CPU {cpu_ms[1]:.2f} ms/msg")
    print(f"  (CPU time per message is what stays comparable on a shared machine; load {load()})")
    print(f"  (16 concurrent single-text callers, max batch {settings.classify_max_batch})")
    print(
        f"  timed with language detection {'on' if detect else 'absent'},"
        " urgency (the classifier's reading and the triage word list)"
    )
    print(f"  peak RSS       {rss:7.1f} MB")
    print_ceiling(ceiling, rate_mb, lat1)
    if split:
        compare_fp32(settings, *split, ours, ours_pred)


def network_ceiling(settings: Settings, texts: Sequence[str]) -> Ceiling | None:
    """The ONNX session alone on this CPU (None when the ONNX model is not what runs here)."""
    model = onnx_model(settings.model_cache_dir, WEIGHTS_DIR)
    if model is None:
        return None
    return measure(model, texts, cores=cores(), threads=settings.classify_threads)


def print_ceiling(ceiling: Ceiling | None, rate: float, single: np.ndarray) -> None:
    """The network alone on this CPU, and the classifier's share of it."""
    if ceiling is None:
        print("  network alone: skipped (no ONNX model in the cache)")
        return
    p50 = np.percentile(single, 50)
    print(
        f"  network alone  {ceiling.per_s:7.1f} msgs/s  (the ONNX session with nothing around it,"
        f" one run per core, batches of 4 sorted by length; single text p50"
        f" {ceiling.single_p50_ms:.2f} ms  p99 {ceiling.single_p99_ms:.2f} ms)"
    )
    print(
        f"  share          {rate / ceiling.per_s:7.2f}x of the network alone micro-batched;"
        f" one at a time p50 {p50 / ceiling.single_p50_ms:.2f}x the bare run's"
        " (these ratios, not msgs/s, compare across CPUs)"
    )


def per_message_extra(
    detect: Callable[[str], str] | None, rules: TriageConfig
) -> Callable[[str], object]:
    """Work done per message beside the classifier: language detection, and triage's urgent-word
    check (Classification.urgent is computed inside the classifier, so it is timed there)."""

    def extra(text: str) -> None:
        if detect is not None:
            detect(text)
        urgent_word(text, rules)

    return extra


def print_sentiment(ours: dict[str, float], vader: dict[str, float], version: str) -> None:
    """Sentiment side by side with VADER."""
    print(f"sentiment, TweetEval validation (2,000; {version})")
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
