"""One-line failures for the CLI."""

from __future__ import annotations

import sys
from typing import NoReturn


def fail(message: str, code: int = 1) -> NoReturn:
    """Print ``feedbot: message`` on stderr and exit non-zero."""
    print(f"feedbot: {message}", file=sys.stderr)
    sys.exit(code)
