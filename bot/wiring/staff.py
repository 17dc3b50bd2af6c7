"""The staff side: the inbox's use cases, the staff channel in Slack, "you said, we did", and
the staff pages' settings."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.adapters.base import Adapter
from bot.adapters.slack import SlackAdapter
from bot.channel import Capabilities
from bot.events import Channel
from bot.secrets import session_secret
from bot.web.staff_web import StaffWebConfig
from bot.wiring.basics import Said, base_url, topic_names
from config.library import LibraryConfig
from config.settings import Settings
from config.wording import Wording
from handlers.bridge.bridge import StaffBridge
from handlers.bridge.cards import CardStyle
from handlers.delivery import Delivery
from handlers.inbox.changes import Changes
from handlers.inbox.steps import Clock
from handlers.inbox.usecases import Inbox
from handlers.team_names import team_names as team_display_names
from handlers.topic_names import topic_names as display_names
from handlers.you_said import YouSaid
from models.store import Store

log = logging.getLogger(__name__)


def inbox(
    settings: Settings,
    library: LibraryConfig,
    said: Said,
    store: Store,
    *,
    clock: Clock,
    capabilities: Mapping[Channel, Capabilities],
    changes: Changes,
    wake_outbox: Callable[[], None],
) -> Inbox:
    """What staff can do with the queue."""
    return Inbox(
        store,
        library,
        clock,
        capabilities,
        wake_outbox,
        changes,
        max_chars=settings.max_message_chars,
        wording=said.wording,
        languages=said.languages,
    )


def staff_bridge(
    settings: Settings,
    store: Store,
    inbox: Inbox,
    adapters: Sequence[Adapter],
    delivery: Delivery,
    wording: Wording,
) -> StaffBridge | None:
    """The staff channel, when FEEDBOT_STAFF_SLACK_CHANNEL is set and Slack is connected: it
    follows item changes and sends, and the Slack adapter hands it staff work. ``adapters`` are
    the bare ones (a Socket Mode adapter's standby wrapper does not serve staff work). The
    staff channel is a Slack feature (its cards, its actions), hence Slack's own adapter. Cards
    name topics and teams from ``wording``, as the staff pages do."""
    slack_adapter = next((a for a in adapters if isinstance(a, SlackAdapter)), None)
    if settings.staff_slack_channel and slack_adapter is None:
        log.warning("FEEDBOT_STAFF_SLACK_CHANNEL is set but Slack is not connected: no cards")
    if not settings.staff_slack_channel or slack_adapter is None:
        return None
    style = CardStyle(
        chat=settings.staff_slack_channel,
        mode=settings.staff_slack_mode,
        base_url=base_url(settings),
        zone=ZoneInfo(settings.timezone),
        channel=slack_adapter.channel,
        wording=wording,
    )
    bridge = StaffBridge(store, inbox, style, slack_adapter, delivery.wake)
    delivery.follow(bridge.settled)
    slack_adapter.serve_staff(settings.staff_slack_channel, bridge.act)
    return bridge


def you_said(
    settings: Settings,
    said: Said,
    store: Store,
    capabilities: Mapping[Channel, Capabilities],
    wake: Callable[[], None],
) -> YouSaid:
    """ "You said, we did" from the inbox: notices go out as each channel can take them."""
    return YouSaid(
        store,
        capabilities,
        wording=said.wording,
        languages=said.languages,
        zone=ZoneInfo(settings.timezone),
        topics=frozenset(topic_names(settings.topics_file)),
        public_url=settings.public_url,
        wake=wake,
    )


def pages_config(settings: Settings, library: LibraryConfig, wording: Wording) -> StaffWebConfig:
    """The staff pages' settings (topics' and teams' display names from ``wording``)."""
    topics = topic_names(settings.topics_file)
    teams = library.triage.team_names()
    return StaffWebConfig(
        secret=session_secret(settings),
        public_url=settings.public_url,
        idle=timedelta(minutes=settings.staff_idle_minutes),
        lifetime=timedelta(hours=settings.staff_session_hours),
        library_name=library.library_name,
        topics=topics,
        teams=teams,
        max_chars=settings.max_message_chars,
        zone=ZoneInfo(settings.timezone),
        proxy_header=settings.trusted_proxy_header,
        topic_names=display_names(wording, keys=topics),
        groups=library.customer_groups.entry_points,
        team_names=team_display_names(wording, keys=teams),
        calendar=library.calendar,
    )
