"""Alerts: the staff alert checker from the FEEDBOT_ALERT_* settings, its rules, and where
alerts go (the staff Slack channel, e-mail)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.events import Address, Channel, ConversationKind
from config.library import LibraryConfig
from config.settings import Settings, split_addresses
from handlers.alerts.checker import AlertChecker
from handlers.alerts.dispatch import AlertDispatcher
from handlers.alerts.messages import AlertMail
from handlers.alerts.quiet import Quiet
from handlers.alerts.rules import AlertRules
from models.store import Store


def alert_rules(settings: Settings, library: LibraryConfig) -> AlertRules:
    """The FEEDBOT_ALERT_* settings; quiet hours 'opening' follow the triage opening hours."""
    zone = ZoneInfo(settings.timezone)
    quiet = Quiet.parse(settings.alert_quiet_hours, zone, library.triage.day_hours())
    return AlertRules(
        quiet=quiet,
        warn=timedelta(minutes=settings.alert_due_warning_minutes),
        spike_window=timedelta(minutes=settings.alert_spike_window_minutes),
        spike_weeks=settings.alert_spike_weeks,
        spike_min_count=settings.alert_spike_min_count,
        spike_p=settings.alert_spike_p,
    )


def staff_chat(settings: Settings) -> Address | None:
    """The staff channel in Slack (FEEDBOT_STAFF_SLACK_CHANNEL, with the Slack bot token)."""
    if not settings.staff_slack_channel or settings.slack_bot_token is None:
        return None
    return Address(Channel.SLACK, chat=settings.staff_slack_channel, kind=ConversationKind.GROUP)


def alert_checker(
    settings: Settings,
    library: LibraryConfig,
    store: Store,
    wake_outbox: Callable[[], None],
    *,
    base_url: str,
) -> AlertChecker | None:
    """Alerts to the staff Slack channel (with a Slack bot token) and by e-mail (with SMTP and
    FEEDBOT_ALERT_TO); None when neither is set."""
    to = split_addresses(settings.alert_to)
    mail = AlertMail(tuple(to), library.library_name) if settings.smtp_host and to else None
    dispatcher = AlertDispatcher(
        store,
        zone=ZoneInfo(settings.timezone),
        base_url=base_url,
        wake_outbox=wake_outbox,
        staff_chat=staff_chat(settings),
        mail=mail,
    )
    if not dispatcher.destinations:
        return None
    every = timedelta(seconds=settings.alert_check_seconds)
    return AlertChecker(store, alert_rules(settings, library), dispatcher, every=every)
