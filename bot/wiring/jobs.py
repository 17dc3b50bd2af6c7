"""The periodic jobs (polls on schedule, live tallies, the digest, retention, themes,
native-poll counts, snoozes, alerts, staff cards) on one runner: each runs in one process at
a time."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import time, timedelta
from zoneinfo import ZoneInfo

from bot.adapters.base import Adapter
from bot.channel import Capabilities
from bot.events import Channel
from bot.wiring import reach
from bot.wiring.basics import Said
from bot.wiring.channels import count_readers
from bot.wiring.digest import digest_destinations
from config.calendar import AcademicCalendar
from config.library import LibraryConfig
from config.settings import Settings
from handlers.alerts.checker import AlertChecker
from handlers.bridge.bridge import StaffBridge
from handlers.bridge.sync import CardSync
from handlers.digest.sender import DigestJob, DigestSender
from handlers.digest.service import Digests
from handlers.inbox.changes import Changes
from handlers.inbox.waker import SnoozeWaker
from handlers.jobs import Job, JobRunner
from handlers.polls.live_tally import LiveTally
from handlers.polls.schedule import PollScheduler, parse_quiet_hours
from handlers.polls.service import Polls
from handlers.retention import RetentionJob
from handlers.themes.compute import ThemeBuilder
from handlers.themes.job import ThemesJob
from handlers.worker import Doorbell
from models.store import Store


def periodic_jobs(
    settings: Settings,
    store: Store,
    digests: Digests,
    polls: Polls,
    adapters: Sequence[Adapter],
    wake_outbox: Callable[[], None],
    calendar: AcademicCalendar | None = None,
) -> list[Job]:
    """Every periodic job but the staff side's (polls wait out the calendar's quiet periods)."""
    check = timedelta(seconds=settings.poll_check_s)
    quiet = parse_quiet_hours(settings.poll_quiet_hours)
    send_at = time.fromisoformat(settings.digest_send_at)
    places = digest_destinations(settings, digests)
    sender = DigestSender(store, digests, places, send_at=send_at, wake_outbox=wake_outbox)
    jobs: list[Job] = [
        PollScheduler(
            store,
            polls,
            quiet_hours=quiet,
            zone=ZoneInfo(settings.timezone),
            every=check,
            calendar=calendar,
        ),
        LiveTally(polls, every=check),
        DigestJob(sender),
        RetentionJob(store, days=settings.retention_days),
        ThemesJob(ThemeBuilder(store, ZoneInfo(settings.timezone))),
    ]
    return jobs + count_readers(settings, store, adapters)


def staff_jobs(
    store: Store, changes: Changes, alerts: AlertChecker | None, bridge: StaffBridge | None
) -> list[Job]:
    """The staff side's: snoozed items waking, alerts, and the staff cards kept in step."""
    jobs: list[Job] = [SnoozeWaker(store, changes=changes)]
    jobs += [alerts] if alerts is not None else []
    jobs += [CardSync(store, bridge)] if bridge is not None else []
    return jobs


def runner(
    jobs: list[Job], store: Store, *, holder: str, alerts: AlertChecker | None, bell: Doorbell
) -> JobRunner:
    """The runner of ``jobs``; ``bell`` wakes the alert checker early (an urgent item)."""
    bells = {alerts.name: bell} if alerts is not None else None
    return JobRunner(jobs, store.leases, holder=holder, bells=bells)


def reengage_job(
    settings: Settings,
    library: LibraryConfig,
    said: Said,
    store: Store,
    capabilities: Mapping[Channel, Capabilities],
    wake_outbox: Callable[[], None],
) -> Job:
    """ "We miss you": once a day, to people who said yes and have been quiet."""
    use = reach.sends(settings, library, said, store, capabilities, wake_outbox=wake_outbox)
    return reach.reengagement(library, said, store, use)
