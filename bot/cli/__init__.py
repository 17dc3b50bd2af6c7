"""The command line (Typer): run, migrate, messages, outbox, polls, queue, alerts, classifier
commands, and the data-rights ones (export, erase, link, retention, audit).

The command groups are imported when the CLI is built, not with this package: a data-rights
command (a big export, say) then loads only its own group, without the chat SDKs and the chart
library the others bring, and starts in a fraction of the time and memory."""

from __future__ import annotations

import importlib
import sys

import typer

from bot.cli.errors import GuardedGroup, describe, fail

GROUPS = (
    "core", "messages", "polls", "sends", "staff", "digest", "actions", "queue", "alerts", "rights",
    "people", "themes",
)  # fmt: skip
"""Every command group's module, in the order of ``--help``; the classifier's comes last."""
OWN_GROUP = {"export": "rights", "erase": "rights", "link": "rights", "retention": "rights",
             "audit": "rights"}  # fmt: skip
"""Top-level commands whose group may be loaded alone (any other name loads every group)."""


def build_cli(command: str | None = None) -> typer.Typer:
    """Assemble the command groups under the one error boundary (GuardedGroup): every group,
    or only the one that owns ``command`` (the first argument) when OWN_GROUP names it."""
    app = typer.Typer(
        cls=GuardedGroup,
        help="feedbot: in-time feedback for your library.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    only = OWN_GROUP.get(command or "")
    for name in (only,) if only else GROUPS:
        importlib.import_module(f"bot.cli.{name}").register(app)
    if only is None:
        from bot.cli import classifier
        from bot.cli.context import settings

        classifier.register(app, settings)
    return app


def main() -> None:
    """Entry point: run the CLI; anything that escapes the boundary is still one line."""
    try:
        build_cli(sys.argv[1] if len(sys.argv) > 1 else None)(standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: never a traceback
        fail(describe(exc))
