"""Importing the pipeline, the use cases and the store loads no web framework, SDK or adapter."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
import handlers.delivery, handlers.pipeline, handlers.polls.service, handlers.polls.schedule
import handlers.inbox.usecases, handlers.polls.steps, handlers.polls.messages
import handlers.polls.counts, handlers.data_rights, models.store
print(" ".join(sorted(m for m in sys.modules if m.split(".")[0] in FORBIDDEN_ROOTS
                      or m.startswith(("bot.adapters", "bot.web")))))
"""
FORBIDDEN_ROOTS = {"starlette", "slack_bolt", "slack_sdk", "telegram", "tweepy", "aiohttp"}


def test_handlers_and_models_import_only_events_and_models() -> None:
    code = f"FORBIDDEN_ROOTS = {FORBIDDEN_ROOTS!r}\n{PROBE}"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert loaded == []
