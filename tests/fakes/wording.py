"""The wording the repository ships (config/feedbot.yaml and config/languages/), for tests."""

from __future__ import annotations

from pathlib import Path

from config.library import LibraryConfig, load_library_config
from config.wording import Wording, load_wording

ROOT = Path(__file__).resolve().parents[2]
CONFIG_FILE = ROOT / "config" / "feedbot.yaml"
LANGUAGES_DIR = ROOT / "config" / "languages"


def shipped_library() -> LibraryConfig:
    """The library config as shipped."""
    return load_library_config(CONFIG_FILE)


def shipped_wording() -> Wording:
    """English and every shipped language."""
    return load_wording(shipped_library(), LANGUAGES_DIR)
