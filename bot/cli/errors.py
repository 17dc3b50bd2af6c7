"""One-line failures for the CLI, and the one error boundary every command runs inside."""

from __future__ import annotations

import logging
import sys
from typing import Any, NoReturn

import typer

# Typer 0.29 ships its own click; its usage errors are public only under this path.
from typer._click.core import Context
from typer._click.exceptions import NoArgsIsHelpError, UsageError
from typer.core import TyperGroup

from bot.cli.show import visible

log = logging.getLogger(__name__)


class CommandError(Exception):
    """A failure the operator can act on; the boundary prints its message as the one line."""


def fail(message: str, code: int = 1) -> NoReturn:
    """Print ``feedbot: message`` on one line of stderr and exit non-zero."""
    print(f"feedbot: {visible(message)}", file=sys.stderr)
    sys.exit(code)


class GuardedGroup(TyperGroup):
    """The root command group: whatever a command raises ends as one line on stderr."""

    def invoke(self, ctx: Context) -> Any:
        """Run the command; usage errors and failures become ``feedbot: ...`` and an exit code."""
        try:
            return super().invoke(ctx)
        except NoArgsIsHelpError:
            raise  # a bare group: its help is printed
        except UsageError as exc:
            fail(usage(exc), exc.exit_code)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except Exception as exc:
            log.debug("command failed", exc_info=exc)
            fail(describe(exc))


def usage(exc: UsageError) -> str:
    """A usage error with the command it belongs to and where to read more."""
    where = exc.ctx.command_path if exc.ctx is not None else ""
    hint = f" (see `{where} --help`)" if where else ""
    return f"{exc.format_message()}{hint}"


def describe(exc: BaseException) -> str:
    """What went wrong, in one line: the database, a file, or the error's own first line."""
    from sqlalchemy.exc import DBAPIError, SQLAlchemyError

    from config.settings import SettingsError

    if isinstance(exc, SettingsError | CommandError):
        return str(exc)
    if isinstance(exc, DBAPIError):
        return f"the database (FEEDBOT_DATABASE_URL) cannot be used: {first_line(exc.orig)}"
    if isinstance(exc, SQLAlchemyError):
        return f"the database (FEEDBOT_DATABASE_URL) cannot be used: {first_line(exc)}"
    if isinstance(exc, OSError) and exc.strerror:
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{exc.strerror}{where}"
    return f"{first_line(exc)} (FEEDBOT_LOG_LEVEL=DEBUG shows where)"


def first_line(exc: BaseException | None) -> str:
    """The error's type and the first line of its message."""
    if exc is None:
        return "unknown error"
    lines = str(exc).strip().splitlines()
    return f"{exc.__class__.__name__}: {lines[0]}" if lines else exc.__class__.__name__
