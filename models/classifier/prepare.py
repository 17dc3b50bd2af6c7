"""First-start preparation in a child process: building the ONNX model and fitting the topic
head load torch (about 1.2 GB at the peak); the serving process then only reads the results,
so it never imports torch and stays small."""

from __future__ import annotations

import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from models.classifier.encoder import ClassifierUnavailable, encoder_path, model_tag
from models.classifier.onnx_export import onnx_path
from models.classifier.topic_head import load_head
from models.classifier.topics_config import Taxonomy
from models.classifier.train_topics import head_path, is_current

log = logging.getLogger(__name__)


def is_prepared(cache_dir: Path, taxonomy: Taxonomy, adapter_hash: str) -> bool:
    """Whether the cache holds the int8 model and a current topic head for these inputs."""
    tag = model_tag(encoder_path(), adapter_hash)
    head = load_head(head_path(cache_dir))
    return (
        onnx_path(cache_dir, tag).is_file() and head is not None and is_current(head, taxonomy, tag)
    )


def prepare_in_child(*, topics_file: Path, cache_dir: Path, engine: str, weights_dir: Path) -> None:
    """Build what the cache lacks in a spawned child process and wait for it."""
    log.info("preparing the classifier in a child process (first start: about a minute)")
    spawn = multiprocessing.get_context("spawn")
    try:
        with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as child:
            child.submit(prepare, topics_file, cache_dir, engine, weights_dir).result()
    except BrokenProcessPool as exc:
        raise ClassifierUnavailable(
            f"preparing the model in a child process failed: {exc}"
        ) from None


def prepare(topics_file: Path, cache_dir: Path, engine: str, weights_dir: Path) -> None:
    """Build the ONNX model and fit the topic head into the cache (runs in the child)."""
    from models.classifier.runtime import load_classifier

    load_classifier(
        topics_file=topics_file,
        cache_dir=cache_dir,
        engine=engine,
        weights_dir=weights_dir,
        prepare_apart=False,
    )
