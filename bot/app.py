"""The composition root: the only place that builds and wires everything, in one `async with`."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from starlette.applications import Starlette

from bot.adapters import catalog, slack, telegram, x
from bot.adapters.base import Adapter
from bot.adapters.email import EmailAdapter, SmtpServer
from bot.adapters.slack import SlackAdapter
from bot.adapters.widget import WidgetAdapter
from bot.alert_wiring import alert_checker, staff_chat
from bot.channel import Capabilities, Cursors, PollCounter
from bot.events import Channel
from bot.secrets import pseudonym_key, session_secret
from bot.standby import Exclusive, process_name
from bot.web.app import build_web, templates
from bot.web.digests import DigestPages
from bot.web.guard import SessionGuard
from bot.web.staff_web import StaffWebConfig, build_staff_web
from bot.web.widget_deps import WidgetDeps
from config.library import LibraryConfig, load_library_config
from config.settings import Settings, frame_ancestors, split_addresses
from config.wording import Wording, load_wording
from handlers.ack_wording import Hours
from handlers.acknowledge import FirstAnswer
from handlers.alerts.checker import AlertChecker
from handlers.bridge.bridge import StaffBridge
from handlers.bridge.cards import CardStyle
from handlers.bridge.sync import CardSync
from handlers.delivery import Delivery
from handlers.digest.build import DigestConfig
from handlers.digest.mail import MailDestination
from handlers.digest.sender import Destination, DigestJob, DigestSender
from handlers.digest.service import Digests
from handlers.digest.summary import ChatDestination
from handlers.inbox.changes import Changes
from handlers.inbox.steps import Clock
from handlers.inbox.usecases import Inbox
from handlers.inbox.waker import SnoozeWaker
from handlers.jobs import Job, JobRunner
from handlers.metrics import Metrics
from handlers.opt_out import OptWords
from handlers.pipeline import Deps, Pipeline, build_steps
from handlers.polls.counts import PollCountReader
from handlers.polls.live_tally import LiveTally
from handlers.polls.schedule import PollScheduler, parse_quiet_hours
from handlers.polls.service import Polls
from handlers.processor import Processor
from handlers.record import Recorder
from handlers.retention import RetentionJob
from handlers.speaking import Languages, Remembered
from handlers.worker import Doorbell
from handlers.you_said import YouSaid
from models.classification import Classifier
from models.classifier.topics_config import load_taxonomy
from models.store import Store
from models.store.widget.sessions import Limits

log = logging.getLogger(__name__)


@dataclass
class Bot:
    """A running bot: its store, pipeline, workers, adapters and web app."""

    settings: Settings
    library: LibraryConfig
    store: Store
    metrics: Metrics
    recorder: Recorder
    pipeline: Pipeline
    processor: Processor
    delivery: Delivery
    jobs: JobRunner
    adapters: Sequence[Adapter]
    web: Starlette
    inbox: Inbox
    alerts: AlertChecker | None
    bridge: StaffBridge | None
    polls: Polls


def channel_adapters(settings: Settings, cursors: Cursors, wording: Wording) -> list[Adapter]:
    """The web widget plus every platform whose credentials are set."""
    platforms = (
        slack.from_settings(settings, cursors),
        telegram.from_settings(settings, cursors, toasts=toasts(wording)),
        x.from_settings(settings, cursors),
    )
    return [WidgetAdapter(), *(a for a in platforms if a is not None)]


def toasts(wording: Wording) -> dict[str, str]:
    """What a tap on a poll button shows its tapper, in every language the bot speaks."""
    return {code: wording.text("polls.tapped", code) for code in wording.languages}


def needs_lease(adapter: Adapter) -> bool:
    """Whether only one process at a time may hold this adapter's connection: Telegram long
    polling (two getUpdates callers conflict), Slack Socket Mode (Slack spreads events over
    the open sockets) and X polling (X bills every read, and each process would read the same
    mentions and DMs). Webhook modes take requests on any process."""
    if isinstance(adapter, telegram.TelegramAdapter | x.XAdapter):
        return not adapter.webhook_mode
    return isinstance(adapter, slack.SlackAdapter) and adapter.socket_mode


def exclusive(
    adapters: Sequence[Adapter], store: Store, *, holder: str, ttl: timedelta
) -> list[Adapter]:
    """The adapters, those that need it wrapped to run only while this process holds the lease."""
    return [
        Exclusive(a, store.leases, holder=holder, ttl=ttl) if needs_lease(a) else a
        for a in adapters
    ]


@asynccontextmanager
async def running_bot(
    settings: Settings,
    *,
    classifier: Classifier | None = None,
    adapters: Sequence[Adapter] | None = None,
    languages: Languages | None = None,
) -> AsyncIterator[Bot]:
    """Start everything; on exit: delivery drains, adapters stop, then the workers and writer.
    ``languages`` says which language each message and person is answered in (by default the
    detected and remembered ones; a test may fix one)."""
    library = load_library_config(settings.config_file)
    wording = load_wording(library, settings.languages_dir)
    async with AsyncExitStack() as stack:
        store = await stack.enter_async_context(
            Store.open(settings.database_url, pseudonym_key=pseudonym_key(settings))
        )
        said = Said(wording, languages or Remembered(store.languages))
        if isinstance(classifier, AbstractAsyncContextManager):
            await stack.enter_async_context(classifier)  # its batching worker
        bot = _wire(settings, library, said, store, classifier, adapters)
        await _start(bot, stack)
        yield bot


@dataclass(frozen=True)
class Said:
    """What the bot says (per language) and which language it says it in."""

    wording: Wording
    languages: Languages


def _wire(
    settings: Settings,
    library: LibraryConfig,
    said: Said,
    store: Store,
    classifier: Classifier | None,
    adapters: Sequence[Adapter] | None,
) -> Bot:
    metrics = Metrics()
    in_flight = 2 if store.dialect == "postgresql" else 1  # SQLite has one writer
    recorder = Recorder(store, metrics, max_batch=settings.ingest_batch_max, in_flight=in_flight)
    holder = process_name()
    platforms = (
        list(adapters)
        if adapters is not None
        else channel_adapters(settings, store.cursors, said.wording)
    )
    lease = timedelta(seconds=settings.connection_lease_s)
    chosen = exclusive(platforms, store, holder=holder, ttl=lease)
    outbound = [*chosen, *email_sender(settings).values()]  # e-mail: outbound only
    delivery = Delivery(
        store,
        {a.channel: a for a in outbound},
        metrics,
        max_attempts=settings.outbox_max_attempts,
        base_delay=settings.outbox_base_delay_s,
        max_delay=settings.outbox_max_delay_s,
        lease_s=settings.outbox_lease_s,
        unsure_wait_s=settings.outbox_unsure_wait_s,
    )
    bell, alert_bell = Doorbell(), Doorbell()
    running = {a.channel.value: a.capabilities for a in chosen}  # by name, as polls store them
    poll_caps = {**catalog.CAPABILITIES, **running}
    changes = Changes()
    clock = Clock(library.triage, ZoneInfo(settings.timezone))
    words = OptWords.of(library.opt_out_words, library.opt_in_words)
    deps = Deps(
        store=store,
        recorder=recorder,
        metrics=metrics,
        classifier=classifier,
        wording=said.wording,
        languages=said.languages,
        first_answer=FirstAnswer(library.safety, Hours(clock.opening, clock.zone)),
        wake_outbox=delivery.wake,
        triage=library.triage,
        clock=clock,
        capabilities=poll_caps,
        opt_words=words,
        changes=changes,
        wake_alerts=alert_bell.ring,
    )
    pipeline = Pipeline(build_steps(deps), metrics, bell.ring)
    processor = Processor(
        store,
        pipeline,
        metrics,
        batch=64,
        max_attempts=settings.process_max_attempts,
        bell=bell,
        ingest_busy=recorder.busy,
    )
    widget = _widget_deps(settings, library, said.wording, store, pipeline)
    capabilities = {a.channel: a.capabilities for a in chosen}
    inbox = Inbox(
        store,
        library,
        clock,
        capabilities,
        delivery.wake,
        changes,
        max_chars=settings.max_message_chars,
        wording=said.wording,
        languages=said.languages,
    )
    bridge = staff_bridge(settings, store, inbox, platforms, delivery)
    if bridge is not None:
        changes.listen(bridge)
    you_said = you_said_use(settings, said, store, running, delivery.wake)
    config = staff_config(settings, library)
    staff = build_staff_web(store, inbox, widget.templates, config, you_said)
    digests = digest_service(settings, library, store)
    web = build_web(
        store=store,
        adapters=outbound,
        metrics=metrics,
        widget_deps=widget,
        staff=staff,
        digest_pages=DigestPages(digests, store, widget.templates, said.wording),
        frame_ancestors=frame_ancestors(settings.widget_frame_ancestors),
        metrics_token=settings.metrics_token.get_secret_value() if settings.metrics_token else "",
    )
    url = base_url(settings)
    alerts = alert_checker(settings, library, store, delivery.wake, base_url=url)
    staff_jobs: list[Job] = [SnoozeWaker(store, changes=changes)]
    staff_jobs += [alerts] if alerts is not None else []
    staff_jobs += [CardSync(store, bridge)] if bridge is not None else []
    polls = Polls(store, poll_caps, delivery.wake, wording=said.wording)
    jobs = JobRunner(
        periodic_jobs(settings, store, digests, polls, platforms, delivery.wake) + staff_jobs,
        store.leases,
        holder=holder,
        bells={alerts.name: alert_bell} if alerts is not None else None,
    )
    parts = (recorder, pipeline, processor, delivery, jobs)
    return Bot(settings, library, store, metrics, *parts, chosen, web, inbox, alerts, bridge, polls)


def periodic_jobs(
    settings: Settings,
    store: Store,
    digests: Digests,
    polls: Polls,
    adapters: Sequence[Adapter],
    wake_outbox: Callable[[], None],
) -> list[Job]:
    """Every periodic job but the staff side's; the runner runs each in one process at a time."""
    check = timedelta(seconds=settings.poll_check_s)
    quiet = parse_quiet_hours(settings.poll_quiet_hours)
    send_at = time.fromisoformat(settings.digest_send_at)
    places = digest_destinations(settings, digests)
    sender = DigestSender(store, digests, places, send_at=send_at, wake_outbox=wake_outbox)
    jobs: list[Job] = [
        PollScheduler(
            store, polls, quiet_hours=quiet, zone=ZoneInfo(settings.timezone), every=check
        ),
        LiveTally(polls, every=check),
        DigestJob(sender),
        RetentionJob(store, days=settings.retention_days),
    ]
    return jobs + count_readers(settings, store, adapters)


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


def base_url(settings: Settings) -> str:
    """Where staff open the bot's pages: FEEDBOT_PUBLIC_URL, else the local address."""
    return settings.public_url or f"http://{settings.http_host}:{settings.http_port}"


def staff_bridge(
    settings: Settings, store: Store, inbox: Inbox, adapters: Sequence[Adapter], delivery: Delivery
) -> StaffBridge | None:
    """The staff channel, when FEEDBOT_STAFF_SLACK_CHANNEL is set and Slack is connected: it
    follows item changes and sends, and the Slack adapter hands it staff work. ``adapters`` are
    the bare ones (a Socket Mode adapter's standby wrapper is not a SlackAdapter)."""
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
    )
    bridge = StaffBridge(store, inbox, style, slack_adapter, delivery.wake)
    delivery.follow(bridge.settled)
    slack_adapter.serve_staff(settings.staff_slack_channel, bridge.act)
    return bridge


def staff_config(settings: Settings, library: LibraryConfig) -> StaffWebConfig:
    """The staff pages' settings."""
    return StaffWebConfig(
        secret=session_secret(settings),
        public_url=settings.public_url,
        idle=timedelta(minutes=settings.staff_idle_minutes),
        lifetime=timedelta(hours=settings.staff_session_hours),
        library_name=library.library_name,
        topics=topic_names(settings.topics_file),
        teams=library.triage.team_names(),
        max_chars=settings.max_message_chars,
        zone=ZoneInfo(settings.timezone),
        proxy_header=settings.trusted_proxy_header,
    )


def you_said_use(
    settings: Settings,
    said: Said,
    store: Store,
    capabilities: Mapping[str, Capabilities],
    wake: Callable[[], None],
) -> YouSaid:
    """ "You said, we did" from the inbox: notices go out on the channels this bot runs."""
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


def topic_names(path: Path) -> tuple[str, ...]:
    """The taxonomy's topics (for relabelling in the inbox); none if the file cannot be read."""
    try:
        return tuple(t.name for t in load_taxonomy(path).topics)
    except (OSError, ValueError) as exc:
        log.warning("inbox relabelling offers no topics: %s", exc)
        return ()


def digest_service(settings: Settings, library: LibraryConfig, store: Store) -> Digests:
    """The weekly digest as the settings and the library's config describe it."""
    config = DigestConfig(zone=ZoneInfo(settings.timezone), groups=library.customer_groups)
    return Digests(store, config, library=library.library_name, base_url=base_url(settings))


def digest_destinations(settings: Settings, digests: Digests) -> dict[str, Destination]:
    """E-mail when SMTP and recipients are set; the staff Slack channel when it and a token are."""
    found: dict[str, Destination] = {}
    to = split_addresses(settings.digest_to)
    if settings.smtp_host and to:
        found["email"] = MailDestination(digests, to=to)
    chat = staff_chat(settings)
    if chat is not None:
        found[chat.channel.value] = ChatDestination(chat, base_url=digests.base_url)
    return found


def _widget_deps(
    settings: Settings, library: LibraryConfig, wording: Wording, store: Store, pipeline: Pipeline
) -> WidgetDeps:
    """The widget's routes' dependencies, with its session limits from the settings."""
    limits = Limits(
        per_session=settings.widget_session_rate,
        per_address=settings.widget_address_rate,
        new_per_address=settings.widget_new_session_rate,
        lifetime=timedelta(hours=settings.widget_session_hours),
        votes_per_poll=settings.widget_vote_rate,
    )
    guard = SessionGuard(store.sessions, limits, settings.trusted_proxy_header)
    return WidgetDeps(
        pipeline.receive,
        store,
        library,
        templates(),
        settings.max_message_chars,
        guard,
        public_url=settings.public_url,
        wording=wording,
        zone=ZoneInfo(settings.timezone),
    )


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


async def _start(bot: Bot, stack: AsyncExitStack) -> None:
    """Start in dependency order; the exit stack stops in reverse (the recorder last)."""
    bot.recorder.start()
    stack.push_async_callback(bot.recorder.stop)
    bot.processor.start()
    stack.push_async_callback(bot.processor.stop)
    for adapter in bot.adapters:
        await adapter.start(bot.pipeline.receive)
        stack.push_async_callback(adapter.stop)
    bot.jobs.start()  # each job's first turn is now: a Monday's digest missed is sent now
    stack.push_async_callback(bot.jobs.stop)
    bot.delivery.start()  # stops first: sends in flight finish while the adapters are up
    stack.push_async_callback(bot.delivery.stop)
