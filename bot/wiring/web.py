"""The one web app: the widget, the webhooks of every channel, the staff pages, the digest's
pages, /healthz and /metrics."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.applications import Starlette

from bot.adapters.base import Adapter
from bot.events import utcnow
from bot.web.app import build_web
from bot.web.digests import DigestPages
from bot.web.poll_pages import PollTools
from bot.web.staff_web import build_staff_web
from bot.web.widget_deps import WidgetDeps
from bot.wiring import staff
from bot.wiring.basics import Said
from config.library import LibraryConfig
from config.settings import Settings, frame_ancestors
from handlers.digest.service import Digests
from handlers.groups.usecase import CoverageReader
from handlers.inbox.usecases import Inbox
from handlers.metrics import Metrics
from handlers.reach.service import Sends
from handlers.you_said import YouSaid
from models.store import Store


def web_app(
    settings: Settings,
    library: LibraryConfig,
    said: Said,
    store: Store,
    *,
    adapters: Sequence[Adapter],
    metrics: Metrics,
    widget: WidgetDeps,
    inbox: Inbox,
    you_said: YouSaid,
    digests: Digests,
    polls: PollTools | None = None,
    sends: Sends | None = None,
) -> Starlette:
    """Every route on one Starlette app; ``adapters`` serve their webhooks on it."""
    config = staff.pages_config(settings, library, said.wording)
    coverage = CoverageReader(store, library.customer_groups, library.calendar, utcnow)
    staff_web = build_staff_web(
        store,
        inbox,
        widget.templates,
        config,
        you_said,
        coverage=coverage,
        polls=polls,
        sends=sends,
    )
    token = settings.metrics_token.get_secret_value() if settings.metrics_token else ""
    return build_web(
        store=store,
        adapters=adapters,
        metrics=metrics,
        widget_deps=widget,
        staff=staff_web,
        digest_pages=DigestPages(digests, store, widget.templates, said.wording),
        frame_ancestors=frame_ancestors(settings.widget_frame_ancestors),
        metrics_token=token,
    )
