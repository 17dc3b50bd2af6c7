"""Names and metadata of the shipped sentiment adapter (no heavy imports)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ADAPTER_FILE = "sentiment.safetensors"
META_FILE = "sentiment.json"


def read_meta(weights_dir: Path) -> dict[str, Any]:
    """The metadata written next to the adapter."""
    meta: dict[str, Any] = json.loads((weights_dir / META_FILE).read_text())
    return meta
