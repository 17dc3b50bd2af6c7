"""Building the PTB Application, and the back-off between reconnection attempts."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from telegram.ext import Application, ApplicationBuilder, BaseRateLimiter

PTBApp = Application[Any, Any, Any, Any, Any, Any]


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential back-off with jitter: attempt n waits up to initial * 2**n, capped."""

    initial: float = 0.5
    maximum: float = 60.0

    def delay(self, attempt: int) -> float:
        """Seconds to wait before retry number ``attempt`` (0-based)."""
        ceiling = min(self.maximum, self.initial * 2.0 ** min(attempt, 30))
        return float(ceiling * random.uniform(0.5, 1.0))


def build_application(token: str, api_url: str, limiter: BaseRateLimiter[Any]) -> PTBApp:
    """A PTB Application pointed at ``api_url``, without an Updater (the adapter polls)."""
    base = api_url.rstrip("/")
    builder = ApplicationBuilder().token(token).base_url(f"{base}/bot")
    builder = builder.base_file_url(f"{base}/file/bot").rate_limiter(limiter).updater(None)
    app: PTBApp = builder.build()
    return app
