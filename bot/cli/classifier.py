"""Classifier commands: train sentiment|topics|urgency, classify, reclassify."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from bot.cli.errors import fail
from config.settings import Settings
from models.classification import READABLE_LANGUAGES, Classification, label_readable, unsure
from models.language import language_of

DATA_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "tweeteval"
SettingsFactory = Callable[[], Settings]


def register(app: typer.Typer, settings_factory: SettingsFactory) -> None:
    """Add `train sentiment|topics|urgency`, `classify` and `reclassify` to the app."""
    train = typer.Typer(
        help="Train the classifier's sentiment adapter, topic head or urgency head.",
        no_args_is_help=True,
    )
    train.command("sentiment", help="Fine-tune the sentiment adapter on TweetEval (slow on CPU).")(
        _with(settings_factory, train_sentiment)
    )
    train.command(
        "topics", help="Fit the topic head on config/topics.yaml plus staff corrections."
    )(_with(settings_factory, train_topics))
    train.command(
        "urgency", help="Fit the urgency head on models/classifier/train/urgency_train.jsonl."
    )(_with(settings_factory, train_urgency))
    app.add_typer(train, name="train")
    app.command("classify", help="Classify texts; prints one JSON object per line.")(
        _with(settings_factory, classify)
    )
    app.command("reclassify", help="Re-run stored messages through the classifier.")(
        _with(settings_factory, reclassify)
    )


def _with(factory: SettingsFactory, command: Callable[..., None]) -> Callable[..., None]:
    """Bind the settings factory as the command's hidden first argument."""

    def bound(*args: Any, **kwargs: Any) -> None:
        command(factory, *args, **kwargs)

    bound.__signature__ = _signature_without_first(command)  # type: ignore[attr-defined]
    bound.__doc__ = command.__doc__
    return bound


def _signature_without_first(command: Callable[..., None]) -> Any:
    """The command's signature minus its settings-factory parameter (what Typer reads)."""
    import inspect

    signature = inspect.signature(command, eval_str=True)
    return signature.replace(parameters=list(signature.parameters.values())[1:])


def train_sentiment(
    factory: SettingsFactory,
    device: Annotated[str, typer.Option(help="cpu or cuda")] = "cpu",
    epochs: Annotated[int, typer.Option(min=1)] = 3,
    seed: Annotated[int, typer.Option()] = 13,
    batch_size: Annotated[int, typer.Option(min=1)] = 32,
    lr: Annotated[float, typer.Option(min=0.0)] = 1e-3,
    rank: Annotated[int, typer.Option(min=1)] = 16,
    shared_blocks: Annotated[
        int, typer.Option(min=0, max=5, help="lower encoder blocks shared with the untouched one")
    ] = 4,
    max_length: Annotated[int, typer.Option(min=8)] = 64,
    train_limit: Annotated[
        int, typer.Option(min=0, help="a seeded random subset of this many tweets (0: all)")
    ] = 0,
    init_from: Annotated[
        Path | None, typer.Option(help="start from the adapter in this directory")
    ] = None,
    distil_from: Annotated[
        Path | None,
        typer.Option(help="also learn from the logits of the adapter in this directory"),
    ] = None,
    threads: Annotated[int, typer.Option(help="CPU threads (0: torch default)")] = 0,
    data_dir: Annotated[Path, typer.Option(help="TweetEval split files")] = DATA_DIR,
    out: Annotated[Path | None, typer.Option(help="where to write the adapter")] = None,
) -> None:
    """Train the adapter, keep the best epoch on validation, write it with its figures."""
    from models.classifier import WEIGHTS_DIR
    from models.classifier.train_sentiment import TrainConfig
    from models.classifier.train_sentiment import train_sentiment as run

    if not (data_dir / "train_text.txt").is_file():
        fail(f"no TweetEval training split in {data_dir} (use --data-dir)")
    for flag, adapter in (("--init-from", init_from), ("--distil-from", distil_from)):
        if adapter is not None and not _is_adapter(adapter):
            fail(f"{flag} {adapter}: no adapter there (sentiment.safetensors and sentiment.json)")
    if device.startswith("cuda") and not _cuda():
        fail("--device cuda asked for, but torch sees no CUDA device")
    target = out or WEIGHTS_DIR
    config = TrainConfig(
        data_dir,
        target,
        device,
        epochs,
        seed,
        batch_size,
        lr,
        rank,
        2.0 * rank,
        max_length,
        threads=threads,
        shared_blocks=shared_blocks,
        train_limit=train_limit,
        init_from=init_from,
        distil_from=distil_from,
        checkpoint_dir=factory().model_cache_dir / "sentiment-checkpoints",
    )
    meta = run(config, log=lambda line: typer.echo(line, err=True))
    typer.echo(json.dumps({"epoch": meta["epoch"], "validation": meta["validation"]}))


def _is_adapter(folder: Path) -> bool:
    """Whether ``folder`` holds an adapter and its metadata, as training writes them."""
    from models.classifier.artifacts import ADAPTER_FILE, META_FILE

    return (folder / ADAPTER_FILE).is_file() and (folder / META_FILE).is_file()


def _cuda() -> bool:
    """Whether torch can use a CUDA device."""
    import torch

    return bool(torch.cuda.is_available())


def train_topics(
    factory: SettingsFactory,
    corrections: Annotated[bool, typer.Option(help="join staff corrections from the store")] = True,
) -> None:
    """Fit, calibrate and save the topic head; print its figures on the evaluation set."""
    from models.classifier import ClassifierUnavailable
    from models.classifier.runtime import retrain_topics
    from models.classifier.topics_eval import load_eval, topic_scores

    settings = factory()
    pairs, learned = asyncio.run(_corrections(settings)) if corrections else ([], [])
    try:
        model = retrain_topics(
            topics_file=settings.topics_file,
            cache_dir=settings.model_cache_dir,
            corrections=pairs,
            engine=settings.classify_engine,
            learned=learned,
        )
    except ClassifierUnavailable as exc:
        fail(str(exc))
    gold = load_eval()
    figures = topic_scores([t for _, t in gold], model.classify_now([x for x, _ in gold]))
    typer.echo(json.dumps({"version": model.version, "corrections": len(pairs), "eval": figures}))


def train_urgency(
    factory: SettingsFactory,
    file: Annotated[Path | None, typer.Option("--file", help="{text, urgent} JSON lines")] = None,
    out: Annotated[
        Path | None, typer.Option(help="file (or directory) to write the head to")
    ] = None,
    max_false_alarms: Annotated[
        float | None,
        typer.Option(min=0.0, max=0.5, help="share of the file's calm messages allowed above"),
    ] = None,
) -> None:
    """Fit the urgency head (C and threshold by cross-validation), write it, print its figures."""
    from models.classifier import WEIGHTS_DIR, ClassifierUnavailable
    from models.classifier.train_urgency import MAX_FALSE_ALARMS, TRAIN_FILE, retrain_urgency

    settings = factory()
    try:
        summary = retrain_urgency(
            train_file=file or TRAIN_FILE,
            out=out or WEIGHTS_DIR,
            cache_dir=settings.model_cache_dir,
            engine=settings.classify_engine,
            weights_dir=WEIGHTS_DIR,
            max_false_alarms=MAX_FALSE_ALARMS if max_false_alarms is None else max_false_alarms,
        )
    except (OSError, ValueError, ClassifierUnavailable) as exc:
        fail(f"cannot train the urgency head: {_first_line(exc)}")
    typer.echo(json.dumps(summary))


async def _corrections(settings: Settings) -> tuple[list[tuple[str, str]], list[str]]:
    """Staff (text, topic) relabels and the topics leads made from themes, or none (with a
    warning) when the store cannot be read."""
    from bot.cli.context import open_store

    try:
        async with open_store(settings) as store:
            pairs = await store.classifications.topic_corrections()
            learned = [name for name, _ in await store.themes.learned_topics()]
            return pairs, learned
    except Exception as exc:  # noqa: BLE001 - training goes on with the file's examples
        typer.echo(f"feedbot: warning: no staff corrections ({_first_line(exc)})", err=True)
        return [], []


def classify(
    factory: SettingsFactory,
    texts: Annotated[list[str] | None, typer.Argument(help="texts to classify")] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="one message per line; - for stdin")
    ] = None,
) -> None:
    """Print sentiment and topic of each text as a JSON line."""
    batch = list(texts or []) + (_read_lines(file) if file else [])
    if not batch:
        fail("nothing to classify: give TEXT arguments or --file PATH")
    model = _load(factory())
    languages = [language_of(text, None)[0] for text in batch]
    readable = [t for t, lang in zip(batch, languages, strict=True) if lang in READABLE_LANGUAGES]
    labelled = iter(model.classify_now(readable) if readable else [])
    for text, lang in zip(batch, languages, strict=True):
        verdict = next(labelled) if lang in READABLE_LANGUAGES else unsure(model.version)
        typer.echo(json.dumps(as_json(text, verdict, lang), ensure_ascii=False))


def _read_lines(path: Path) -> list[str]:
    """Non-empty lines of a file, or of stdin for -."""
    try:
        raw = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror}")
    return [line for line in raw.splitlines() if line.strip()]


def as_json(text: str, verdict: Classification, language: str = "und") -> dict[str, Any]:
    """The JSON line for one text (``unsure`` labels for a language the model cannot read)."""
    return {
        "text": text,
        "language": language,
        "sentiment": verdict.sentiment,
        "sentiment_scores": dict(verdict.sentiment_scores),
        "topic": verdict.topic,
        "topic_confidence": verdict.topic_confidence,
        "model_version": verdict.model_version,
    }


def _load(settings: Settings) -> Any:
    """The local classifier built from settings, or a one-line failure."""
    from bot.cli.context import local_classifier

    return local_classifier(settings)


def reclassify(
    factory: SettingsFactory,
    since: Annotated[
        datetime | None, typer.Option(help="only messages received since (ISO date)")
    ] = None,
) -> None:
    """Classify stored messages again with the current model, with a progress bar."""
    settings = factory()
    try:
        done = asyncio.run(_reclassify(settings, _load(settings), since))
    except Exception as exc:  # noqa: BLE001 - one line for the operator
        fail(f"reclassify failed: {_first_line(exc)} (is the database migrated?)")
    typer.echo(f"reclassified {done} messages")


async def _reclassify(settings: Settings, model: Any, since: datetime | None) -> int:
    """Stream stored texts through the classifier and save the verdicts."""
    from rich.progress import Progress

    from bot.cli.context import open_store

    done = 0
    async with model, open_store(settings) as store:
        total = await store.messages.count(since=since)
        with Progress(transient=False) as progress:
            task = progress.add_task("reclassifying", total=total)
            async for rows in store.messages.texts(since=since, batch=256):
                texts = [text for _, text in rows]
                languages = [language_of(text, None)[0] for text in texts]
                verdicts = await label_readable(model, texts, languages)
                await store.classifications.save(
                    verdicts=list(zip([i for i, _ in rows], verdicts, strict=True))
                )
                done += len(rows)
                progress.update(task, advance=len(rows))
    return done


def _first_line(exc: BaseException) -> str:
    """The exception's type and the first line of its message."""
    lines = str(exc).splitlines()
    return f"{exc.__class__.__name__}: {lines[0] if lines else ''}"
