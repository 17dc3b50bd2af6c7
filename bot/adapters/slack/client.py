"""The Slack Web API client: our host, a short bounded 429 retry, and SDK errors as SendErrors;
which response_urls are followed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from bot.channel import SendError

PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "msg_too_long",
        "no_text",
        "invalid_blocks",
        "invalid_arguments",
        "user_not_found",
        "cannot_dm_bot",
        "restricted_action",
        "message_not_found",
        "cant_update_message",
    }
)


class ShortRateLimitRetry(AsyncRateLimitErrorRetryHandler):
    """Retry a 429 in-process only for a short Retry-After; longer waits go back to the outbox."""

    def __init__(self, max_retry_count: int = 1, max_wait_s: float = 5.0) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait_s = max_wait_s

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        """Only 429s whose Retry-After is within our bound."""
        if response is None or response.status_code != 429:
            return False
        return retry_after(response.headers) <= self.max_wait_s


NEVER_CONNECTED = (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)


def build_client(
    token: str | None,
    api_url: str,
    *,
    max_rate_limit_wait_s: float = 5.0,
    timeout_s: int = 10,
) -> AsyncWebClient:
    """An AsyncWebClient for ``api_url`` with connection-error and short rate-limit retries."""
    handlers: list[AsyncRetryHandler] = [
        # Only a connection never made is retried here: after a dropped or timed-out answer
        # Slack may have taken the message, and the outbox looks for it before any resend.
        AsyncConnectionErrorRetryHandler(max_retry_count=1, error_types=list(NEVER_CONNECTED)),
        ShortRateLimitRetry(max_retry_count=1, max_wait_s=max_rate_limit_wait_s),
    ]
    base_url = api_url if api_url.endswith("/") else api_url + "/"
    return AsyncWebClient(
        token=token, base_url=base_url, retry_handlers=handlers, timeout=timeout_s
    )


async def user_by_email(token: str, api_url: str, email: str) -> str:
    """The Slack user id with this e-mail address (users.lookupByEmail, needs the
    users:read.email scope); "" when Slack knows no such user."""
    client = build_client(token, api_url)
    try:
        response = await client.users_lookupByEmail(email=email)
    except SlackApiError as exc:
        if error_code(exc) == "users_not_found":
            return ""
        raise
    user = response.get("user")
    return str(user.get("id", "")) if isinstance(user, dict) else ""


def retry_after(headers: Mapping[str, Any]) -> float:
    """The Retry-After header in seconds (1 when absent or unreadable); values may be lists."""
    for key, value in headers.items():
        if key.lower() == "retry-after":
            raw = value[0] if isinstance(value, list | tuple) else value
            try:
                return max(float(raw), 0.0)
            except (TypeError, ValueError):
                return 1.0
    return 1.0


def send_error(exc: SlackApiError) -> SendError:
    """Turn an SDK error into what the outbox understands: wait, retry later, or give up."""
    status, error = exc.response.status_code, error_code(exc)
    if status == 429 or error == "ratelimited":
        return SendError("slack: ratelimited", retry_after=retry_after(exc.response.headers))
    return SendError(f"slack: {error or status}", permanent=error in PERMANENT_ERRORS)


def error_code(exc: SlackApiError) -> str:
    """Slack's ``error`` field, when the body was JSON."""
    data = exc.response.data
    return str(data.get("error", "")) if isinstance(data, dict) else ""


HOOKS_HOST = "hooks.slack.com"


def trusted_hook(url: str, api_url: str) -> bool:
    """A response_url worth posting to: https on Slack's hooks host, or on the host the Web API
    is configured at (a local Slack stand-in). Anything else is not followed."""
    hook, api = urlsplit(url), urlsplit(api_url)
    if hook.scheme == "https" and hook.hostname == HOOKS_HOST:
        return True
    return bool(hook.hostname) and (hook.scheme, hook.netloc) == (api.scheme, api.netloc)
