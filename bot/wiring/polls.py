"""Polls drafted by hand (the poll page and the CLI share the use case) and the poll page's
"what we already know" panel: the classifier's embeddings when it has them, the recent
messages' vectors held in this process, and the themes seam."""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast
from zoneinfo import ZoneInfo

from bot.channel import Capabilities
from bot.events import Channel
from bot.ready_channels import CHANNEL_SETTINGS, configured_channels
from bot.web.poll_form import Channels
from bot.web.poll_pages import PollTools
from config.library import LibraryConfig
from config.settings import Settings
from handlers.polls.drafting import PollDesk
from handlers.polls.knowledge import Knowledge
from handlers.polls.recent_vectors import RecentVectors
from handlers.polls.service import Polls
from handlers.themes.lookups import StoredThemes
from models.classification import Classifier, Embedder
from models.store import Store


def embedder_of(classifier: Classifier | None) -> Embedder | None:
    """The classifier as an embedder, when it can embed texts (the local one can)."""
    return cast(Embedder, classifier) if callable(getattr(classifier, "embed", None)) else None


def poll_tools(
    settings: Settings,
    library: LibraryConfig,
    store: Store,
    polls: Polls,
    capabilities: Mapping[Channel, Capabilities],
    classifier: Classifier | None,
) -> PollTools:
    """The poll page's use cases."""
    ready = frozenset(configured_channels(settings))
    desk = PollDesk(
        store,
        polls,
        capabilities,
        ready=ready,
        needs=CHANNEL_SETTINGS,
        calendar=library.calendar,
        zone=ZoneInfo(settings.timezone),
    )
    knowledge = Knowledge(
        store, embedder_of(classifier), RecentVectors(store), themes=StoredThemes(store)
    )
    return PollTools(desk, knowledge, Channels.of(ready, capabilities))
