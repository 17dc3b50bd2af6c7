"""E-mail as an outbound channel: staff alerts and the digest, sent through the outbox."""

from bot.adapters.email.adapter import EmailAdapter
from bot.adapters.email.smtp import SmtpServer

__all__ = ["EmailAdapter", "SmtpServer"]
