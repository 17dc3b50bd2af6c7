"""The composition root: the only place that builds and wires everything, in one `async with`.
Each area's parts are built in ``bot/wiring/`` (channels, pipeline, staff, alerts, digest,
jobs, web); this module says in which order and how they are joined, then starts them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from starlette.applications import Starlette

from bot.adapters import catalog
from bot.adapters.base import Adapter, ChannelKind
from bot.secrets import pseudonym_key
from bot.standby import process_name
from bot.wiring import alerts, channels, jobs, pipeline, reach, staff
from bot.wiring import polls as poll_wiring
from bot.wiring.basics import Said, base_url, learned_routes
from bot.wiring.digest import digest_service
from bot.wiring.web import web_app
from config.library import LibraryConfig, load_library_config
from config.settings import Settings
from config.wording import load_wording
from handlers.alerts.checker import AlertChecker
from handlers.bridge.bridge import StaffBridge
from handlers.delivery import Delivery
from handlers.inbox.changes import Changes
from handlers.inbox.steps import Clock
from handlers.inbox.usecases import Inbox
from handlers.jobs import JobRunner
from handlers.metrics import Metrics
from handlers.pipeline import Pipeline
from handlers.polls.service import Polls
from handlers.processor import Processor
from handlers.record import Recorder
from handlers.speaking import Languages, Remembered
from handlers.worker import Doorbell
from models.classification import Classifier
from models.store import Store


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


@asynccontextmanager
async def running_bot(
    settings: Settings,
    *,
    classifier: Classifier | None = None,
    adapters: Sequence[Adapter] | None = None,
    languages: Languages | None = None,
    kinds: Sequence[ChannelKind] = catalog.CHANNELS,
) -> AsyncIterator[Bot]:
    """Start everything; on exit: delivery drains, adapters stop, then the workers and writer.
    ``languages`` says which language each message and person is answered in (by default the
    detected and remembered ones; a test may fix one). ``kinds``: the registered channels
    (the catalog's); each the settings configure is connected, unless ``adapters`` are given."""
    library = load_library_config(settings.config_file)
    wording = load_wording(library, settings.languages_dir)
    async with AsyncExitStack() as stack:
        store = await stack.enter_async_context(
            Store.open(settings.database_url, pseudonym_key=pseudonym_key(settings))
        )
        library = await learned_routes(library, store)  # topics leads made from themes
        said = Said(wording, languages or Remembered(store.languages))
        if isinstance(classifier, AbstractAsyncContextManager):
            await stack.enter_async_context(classifier)  # its batching worker
        holder = process_name()
        connected = channels.connect(
            settings, store, wording, kinds=kinds, adapters=adapters, holder=holder
        )
        bot = _wire(settings, library, said, store, classifier, connected, holder)
        await _start(bot, stack)
        yield bot


def _wire(
    settings: Settings,
    library: LibraryConfig,
    said: Said,
    store: Store,
    classifier: Classifier | None,
    connected: channels.Channels,
    holder: str,
) -> Bot:
    metrics, changes, alert_bell = Metrics(), Changes(), Doorbell()
    clock = Clock(library.triage, ZoneInfo(settings.timezone), library.calendar)
    caps = connected.capabilities
    recorder = pipeline.ingest(settings, store, metrics)
    delivery = pipeline.outbox(settings, store, connected.outbound, metrics)
    steps, processor = pipeline.processing(
        settings,
        library,
        said,
        store,
        classifier,
        recorder=recorder,
        metrics=metrics,
        changes=changes,
        clock=clock,
        capabilities=caps,
        wake_outbox=delivery.wake,
        wake_alerts=alert_bell.ring,
    )
    inbox = staff.inbox(
        settings,
        library,
        said,
        store,
        clock=clock,
        capabilities=caps,
        changes=changes,
        wake_outbox=delivery.wake,
    )
    bridge = staff.staff_bridge(settings, store, inbox, connected.bare, delivery, said.wording)
    if bridge is not None:
        changes.listen(bridge)
    digests = digest_service(settings, library, store, said.wording)
    polls = Polls(store, caps, delivery.wake, wording=said.wording)
    web = web_app(
        settings,
        library,
        said,
        store,
        adapters=connected.outbound,
        metrics=metrics,
        widget=pipeline.widget(settings, library, said, store, steps),
        inbox=inbox,
        you_said=staff.you_said(settings, said, store, caps, delivery.wake),
        digests=digests,
        polls=poll_wiring.poll_tools(settings, library, store, polls, caps, classifier),
        sends=reach.sends(settings, library, said, store, caps, wake_outbox=delivery.wake),
    )
    checker = alerts.alert_checker(
        settings, library, store, delivery.wake, base_url=base_url(settings)
    )
    every = jobs.periodic_jobs(
        settings, store, digests, polls, connected.bare, delivery.wake, library.calendar
    )
    every.append(jobs.reengage_job(settings, library, said, store, caps, delivery.wake))
    every += jobs.staff_jobs(store, changes, checker, bridge)
    runner = jobs.runner(every, store, holder=holder, alerts=checker, bell=alert_bell)
    parts = (recorder, steps, processor, delivery, runner, connected.running, web, inbox)
    return Bot(settings, library, store, metrics, *parts, checker, bridge, polls)


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
