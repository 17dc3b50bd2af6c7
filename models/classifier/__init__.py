"""feedbot's local classifier: sentiment (LoRA-tuned MiniLM) and library topics (few-shot head).

``load_classifier(...)`` returns a ``LocalClassifier`` that satisfies
``models.classification.Classifier``; run it inside ``async with`` so its batching worker runs.
"""

from models.classifier.batcher import BatcherClosed, MicroBatcher
from models.classifier.encoder import ClassifierUnavailable
from models.classifier.runtime import WEIGHTS_DIR, LocalClassifier, load_classifier

__all__ = [
    "WEIGHTS_DIR",
    "BatcherClosed",
    "ClassifierUnavailable",
    "LocalClassifier",
    "MicroBatcher",
    "load_classifier",
]
