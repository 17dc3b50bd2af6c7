"""The way in and the way out: the recorder that stores each message first, the pipeline's
steps and the processor that runs them, the outbox's delivery, and the widget's routes'
dependencies (its way in)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.adapters.base import Adapter
from bot.channel import Capabilities
from bot.events import Channel
from bot.web.app import templates
from bot.web.guard import SessionGuard
from bot.web.widget_deps import WidgetDeps
from bot.wiring.basics import Said
from config.library import LibraryConfig
from config.settings import Settings
from handlers.ack_wording import Hours
from handlers.acknowledge import FirstAnswer
from handlers.delivery import Delivery
from handlers.inbox.changes import Changes
from handlers.inbox.steps import Clock
from handlers.metrics import Metrics
from handlers.opt_out import OptWords
from handlers.pipeline import Deps, Pipeline, build_steps
from handlers.polls.answers import chosen
from handlers.processor import BATCH, Processor
from handlers.reach.steps import PanelWords
from handlers.record import Recorder
from handlers.worker import Doorbell
from models.classification import Classifier
from models.store import Store
from models.store.widget.sessions import Limits


def ingest(settings: Settings, store: Store, metrics: Metrics) -> Recorder:
    """The writer that stores each inbound event before anything else happens."""
    in_flight = 2 if store.dialect == "postgresql" else 1  # SQLite has one writer
    return Recorder(
        store,
        metrics,
        max_batch=settings.ingest_batch_max,
        in_flight=in_flight,
        count_votes=chosen,
    )


def outbox(
    settings: Settings, store: Store, outbound: Sequence[Adapter], metrics: Metrics
) -> Delivery:
    """The outbox's sender over every outbound channel, with the FEEDBOT_OUTBOX_* back-off."""
    return Delivery(
        store,
        {a.channel: a for a in outbound},
        metrics,
        max_attempts=settings.outbox_max_attempts,
        base_delay=settings.outbox_base_delay_s,
        max_delay=settings.outbox_max_delay_s,
        lease_s=settings.outbox_lease_s,
        unsure_wait_s=settings.outbox_unsure_wait_s,
    )


def processing(
    settings: Settings,
    library: LibraryConfig,
    said: Said,
    store: Store,
    classifier: Classifier | None,
    *,
    recorder: Recorder,
    metrics: Metrics,
    changes: Changes,
    clock: Clock,
    capabilities: Mapping[Channel, Capabilities],
    wake_outbox: Callable[[], None],
    wake_alerts: Callable[[], None],
) -> tuple[Pipeline, Processor]:
    """The pipeline's steps in their order (``handlers/pipeline.py``) and the processor that
    runs them on each stored message."""
    deps = Deps(
        store=store,
        recorder=recorder,
        metrics=metrics,
        classifier=classifier,
        wording=said.wording,
        languages=said.languages,
        first_answer=FirstAnswer(library.safety, Hours(clock.opening, clock.zone, clock.closed)),
        wake_outbox=wake_outbox,
        triage=library.triage,
        clock=clock,
        capabilities=capabilities,
        opt_words=OptWords.of(library.opt_out_words, library.opt_in_words),
        panel_words=PanelWords.of(library.reach.panel_join_words, library.reach.panel_leave_words),
        changes=changes,
        wake_alerts=wake_alerts,
        groups=library.customer_groups,
        contact_cap=library.reach.contact_cap,
    )
    bell = Doorbell()
    steps = Pipeline(build_steps(deps), metrics, bell.ring)
    processor = Processor(
        store,
        steps,
        metrics,
        batch=BATCH,
        max_attempts=settings.process_max_attempts,
        bell=bell,
        ingest_busy=recorder.busy,
        ingest_rate=recorder.rate,
    )
    return steps, processor


def widget(
    settings: Settings, library: LibraryConfig, said: Said, store: Store, pipeline: Pipeline
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
        wording=said.wording,
        zone=ZoneInfo(settings.timezone),
    )
