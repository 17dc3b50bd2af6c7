"""The channels: every registered channel the settings configure (or the adapters a test
hands in), each that needs one exclusive connection per deployment run under its lease, the
e-mail sender, and the one capabilities map everything else is handed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot.adapters.base import Adapter, ChannelKind, Setup
from bot.adapters.email import EmailAdapter, SmtpServer
from bot.channel import Capabilities, PollCounter
from bot.events import Channel
from bot.standby import Exclusive
from config.settings import Settings
from config.wording import Wording
from handlers.polls.counts import PollCountReader
from models.store import Store


@dataclass(frozen=True)
class Channels:
    """The channels this process runs."""

    bare: Sequence[Adapter]
    """The adapters as built (a standby wrapper hides its adapter's own methods)."""
    running: Sequence[Adapter]
    """The same, those with an exclusive connection wrapped to run only under its lease."""
    outbound: Sequence[Adapter]
    """``running`` and the outbound-only ones (e-mail): every channel the outbox sends to."""
    capabilities: Mapping[Channel, Capabilities]
    """What each channel can do, by channel: every registered one, as the running adapter
    declares it where one runs. Built once; polls, the pipeline, the inbox and "you said, we
    did" all read this map."""


def connect(
    settings: Settings,
    store: Store,
    wording: Wording,
    *,
    kinds: Sequence[ChannelKind],
    adapters: Sequence[Adapter] | None,
    holder: str,
) -> Channels:
    """The channels the settings configure among ``kinds`` (or ``adapters`` when given)."""
    setup = Setup(settings, store.cursors, wording)
    bare = list(adapters) if adapters is not None else configured(kinds, setup)
    ttl = timedelta(seconds=settings.connection_lease_s)
    running = [
        Exclusive(a, store.leases, holder=holder, ttl=ttl) if a.exclusive_connection else a
        for a in bare
    ]
    known = {kind.channel: kind.capabilities for kind in kinds}
    capabilities = known | {a.channel: a.capabilities for a in running}
    outbound = [*running, *email_sender(settings).values()]  # e-mail: outbound only
    return Channels(bare, running, outbound, capabilities)


def configured(kinds: Sequence[ChannelKind], setup: Setup) -> list[Adapter]:
    """An adapter for each registered channel that the settings configure."""
    return [a for a in (kind.connect(setup) for kind in kinds) if a is not None]


def email_sender(settings: Settings) -> dict[Channel, EmailAdapter]:
    """The e-mail channel through the FEEDBOT_SMTP_* server (the digest's and the alerts'),
    when one is set."""
    if not settings.smtp_host:
        return {}
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
    server = SmtpServer(
        settings.smtp_host,
        settings.smtp_port,
        settings.smtp_user,
        password,
        settings.smtp_starttls,
        settings.smtp_timeout_s,
    )
    return {Channel.EMAIL: EmailAdapter(server, sender=settings.mail_from)}


def count_readers(
    settings: Settings, store: Store, adapters: Sequence[Adapter]
) -> list[PollCountReader]:
    """A reader of native-poll counts for every adapter whose polls report totals only (X)."""
    every = timedelta(seconds=max(300.0, settings.x_poll_interval_s))  # X bills each read
    return [
        PollCountReader(store, a.channel, a.poll_counts, a.capabilities, every=every)
        for a in adapters
        if isinstance(a, PollCounter)
    ]
