"""The command line (Typer): run, migrate, messages, outbox, polls, queue, alerts, classifier
commands, and the data-rights ones (export, erase, link, retention, audit)."""

from __future__ import annotations

import sys

import typer

from bot.cli import (
    actions,
    alerts,
    classifier,
    core,
    digest,
    messages,
    polls,
    queue,
    rights,
    staff,
)
from bot.cli.context import settings
from bot.cli.errors import GuardedGroup, describe, fail


def build_cli() -> typer.Typer:
    """Assemble every command group under the one error boundary (GuardedGroup)."""
    app = typer.Typer(
        cls=GuardedGroup,
        help="feedbot: in-time feedback for your library.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    core.register(app)
    messages.register(app)
    polls.register(app)
    staff.register(app)
    digest.register(app)
    actions.register(app)
    queue.register(app)
    alerts.register(app)
    rights.register(app)
    classifier.register(app, settings)
    return app


def main() -> None:
    """Entry point: run the CLI; anything that escapes the boundary is still one line."""
    try:
        build_cli()(standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: never a traceback
        fail(describe(exc))
