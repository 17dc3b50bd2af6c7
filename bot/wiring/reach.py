"""Targeted sends, the panel and "we miss you": the send use case (the CLI, the staff page and
the re-engagement job share it), its known names, and the re-engagement job."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.channel import Capabilities
from bot.events import Channel
from bot.wiring.basics import Said, topic_names
from config.library import LibraryConfig
from config.settings import Settings
from handlers.polls.schedule import parse_quiet_hours
from handlers.reach.reengage import Reengagement
from handlers.reach.service import Reach, Sends
from handlers.reach.spec import Known
from handlers.reach.themes import ThemeMessages
from handlers.themes.lookups import StoredThemes
from models.store import Store


def group_names(library: LibraryConfig) -> frozenset[str]:
    """The customer groups a send may name: the library's configured groups."""
    return frozenset(library.customer_groups.groups)


def sends(
    settings: Settings,
    library: LibraryConfig,
    said: Said,
    store: Store,
    capabilities: Mapping[Channel, Capabilities],
    *,
    wake_outbox: Callable[[], None] = lambda: None,
    themes: ThemeMessages | None = None,
) -> Sends:
    """The send use case. ``themes`` resolves ``--theme`` ids (default: the stored themes)."""
    known = Known(
        groups=group_names(library),
        channels=frozenset(c.value for c in capabilities),
        topics=frozenset(topic_names(settings.topics_file)),
        labels={name: library.customer_groups.label(name) for name in group_names(library)},
    )
    reach = Reach(
        cap=library.reach.contact_cap,
        quiet_hours=parse_quiet_hours(settings.poll_quiet_hours),
        zone=ZoneInfo(settings.timezone),
        calendar=library.calendar,
    )
    return Sends(
        store,
        capabilities,
        wording=said.wording,
        known=known,
        reach=reach,
        languages=said.languages,
        themes=themes or StoredThemes(store),
        wake=wake_outbox,
    )


def reengagement(library: LibraryConfig, said: Said, store: Store, use: Sends) -> Reengagement:
    """The "we miss you" job."""
    config = library.reach
    return Reengagement(
        store,
        use,
        wording=said.wording,
        silent=timedelta(days=config.reengage_silent_days),
        every=timedelta(days=config.reengage_every_days),
    )
