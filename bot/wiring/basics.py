"""What several parts of the wiring share: what the bot says, where staff open its pages, and
the taxonomy's topic names."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from config.library import LibraryConfig
from config.settings import Settings
from config.wording import Wording
from handlers.speaking import Languages
from models.classifier.topics_config import load_taxonomy
from models.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Said:
    """What the bot says (per language) and which language it says it in."""

    wording: Wording
    languages: Languages


def base_url(settings: Settings) -> str:
    """Where staff open the bot's pages: FEEDBOT_PUBLIC_URL, else the local address."""
    return settings.public_url or f"http://{settings.http_host}:{settings.http_port}"


def topic_names(path: Path) -> tuple[str, ...]:
    """The taxonomy's topics (for relabelling in the inbox); none if the file cannot be read."""
    try:
        return tuple(t.name for t in load_taxonomy(path).topics)
    except (OSError, ValueError) as exc:
        log.warning("inbox relabelling offers no topics: %s", exc)
        return ()


async def learned_routes(library: LibraryConfig, store: Store) -> LibraryConfig:
    """The library's config with the topics leads made from themes routed to their teams (an
    entry of the file's own ``teams`` map wins)."""
    learned = {name: team for name, team in await store.themes.learned_topics() if team}
    if not learned:
        return library
    teams = {**learned, **library.triage.teams}
    triage = library.triage.model_copy(update={"teams": teams})
    return library.model_copy(update={"triage": triage})
