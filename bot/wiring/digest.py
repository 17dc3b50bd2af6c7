"""The weekly digest: the service that builds it, and where it goes (e-mail, the staff Slack
channel). The ``digest`` commands build the same ones."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.wiring.alerts import staff_chat
from bot.wiring.basics import base_url
from config.library import LibraryConfig
from config.settings import Settings, split_addresses
from handlers.digest.build import DigestConfig
from handlers.digest.mail import MailDestination
from handlers.digest.sender import Destination
from handlers.digest.service import Digests
from handlers.digest.summary import ChatDestination
from models.store import Store


def digest_service(settings: Settings, library: LibraryConfig, store: Store) -> Digests:
    """The weekly digest as the settings and the library's config describe it."""
    config = DigestConfig(
        zone=ZoneInfo(settings.timezone), groups=library.customer_groups, calendar=library.calendar
    )
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
