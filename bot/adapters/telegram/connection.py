"""Building the PTB Application."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, ApplicationBuilder, BaseRateLimiter

PTBApp = Application[Any, Any, Any, Any, Any, Any]


def build_application(
    token: str, api_url: str, limiter: BaseRateLimiter[Any], *, read_timeout: float = 10.0
) -> PTBApp:
    """A PTB Application pointed at ``api_url``, without an Updater (the adapter polls), whose
    calls (not getUpdates) wait ``read_timeout`` seconds for an answer."""
    base = api_url.rstrip("/")
    builder = ApplicationBuilder().token(token).base_url(f"{base}/bot").read_timeout(read_timeout)
    builder = builder.base_file_url(f"{base}/file/bot").rate_limiter(limiter).updater(None)
    app: PTBApp = builder.build()
    return app
