"""Conversation tests: ``chat.on("telegram").says(...)``, ``chat.expect_reply(person, ...)``."""

from tests.fakes.chat.base import Heard, Person, Said
from tests.fakes.chat.chat import Chat

__all__ = ["Chat", "Heard", "Person", "Said"]
