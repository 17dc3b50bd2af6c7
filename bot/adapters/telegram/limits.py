"""Rate limiting: PTB's AIORateLimiter with a few short retries; long waits go to the outbox."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter
from telegram.warnings import PTBDeprecationWarning

_Result = bool | dict[str, Any] | list[dict[str, Any]]
_Callback = Callable[..., Coroutine[Any, Any, _Result]]


def wait_seconds(exc: RetryAfter) -> float:
    """The wait Telegram asked for, in seconds, whatever PTB_TIMEDELTA says."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class _WaitTooLong(Exception):
    """Carries a RetryAfter past AIORateLimiter's retry loop untouched."""

    def __init__(self, original: RetryAfter):
        super().__init__(str(original))
        self.original = original


class BoundedRateLimiter(AIORateLimiter):
    """AIORateLimiter that retries a 429 in place only when the wait is at most ``max_wait`` s.

    A longer wait is raised as RetryAfter at once, so the caller (the outbox) can schedule it
    instead of holding a worker asleep.
    """

    def __init__(self, *, max_retries: int = 2, max_wait: float = 5.0):
        super().__init__(max_retries=max_retries)
        self._max_wait = max_wait

    async def process_request(
        self,
        callback: _Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> _Result:
        """Run the request through AIORateLimiter, cutting short waits over ``max_wait``."""

        async def guarded(*a: Any, **kw: Any) -> _Result:
            try:
                return await callback(*a, **kw)
            except RetryAfter as exc:
                if wait_seconds(exc) > self._max_wait:
                    raise _WaitTooLong(exc) from exc
                raise

        try:
            return await super().process_request(
                guarded, args, kwargs, endpoint, data, rate_limit_args
            )
        except _WaitTooLong as exc:
            raise exc.original from None
