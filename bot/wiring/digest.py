"""The weekly digest: the service that builds it, and where it goes (e-mail, the staff Slack
channel). The ``digest`` commands build the same ones."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.wiring.alerts import staff_chat
from bot.wiring.basics import base_url
from bot.wiring.basics import topic_names as known_topics
from config.calendar import AcademicCalendar
from config.groups import CustomerGroups
from config.library import LibraryConfig
from config.settings import Settings, split_addresses
from config.wording import Wording
from handlers.digest.build import DigestConfig
from handlers.digest.mail import MailDestination
from handlers.digest.parts import Section
from handlers.digest.reengaged import ReengagedSection
from handlers.digest.sender import Destination
from handlers.digest.service import Digests
from handlers.digest.staff import StaffSection
from handlers.digest.summary import ChatDestination
from handlers.digest.terms import TermsSection
from handlers.digest.trends import TrendsSection
from handlers.groups.digest_section import CoverageSection
from handlers.team_names import team_names
from handlers.themes.digest_section import FocusAreasPart, ThemesPart
from handlers.topic_names import topic_names
from models.store import Store


def digest_service(
    settings: Settings, library: LibraryConfig, store: Store, wording: Wording
) -> Digests:
    """The weekly digest as the settings and the library's config describe it, with its
    sections (``handlers/digest/parts.py``) in the order they are shown; topics' and teams'
    display names from ``wording``."""
    config = DigestConfig(
        zone=ZoneInfo(settings.timezone),
        groups=library.customer_groups.entry_points,
        topic_names=topic_names(wording, keys=known_topics(settings.topics_file)),
        team_names=team_names(wording, keys=library.triage.team_names()),
        calendar=library.calendar,
        sections=digest_sections(library.customer_groups, library.calendar),
    )
    return Digests(store, config, library=library.library_name, base_url=base_url(settings))


def digest_sections(groups: CustomerGroups, calendar: AcademicCalendar) -> tuple[Section, ...]:
    """The digest's sections after the fixed figures (``handlers/digest/parts.py``), in the
    order they are shown."""
    return (
        ThemesPart(),
        FocusAreasPart(),
        StaffSection(),
        TrendsSection(),
        TermsSection(),
        CoverageSection(groups, calendar),
        ReengagedSection(),
    )


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
