"""Posting to Slack: chat.postMessage or chat.postEphemeral for each piece, files.upload for an
image, a private answer to a tap through its response_url, and DMs opened by user id."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.payload import obj, text
from bot.adapters.slack.client import trusted_hook
from bot.adapters.slack.outbound import post_calls, upload_call
from bot.channel import SendError
from bot.events import OutboundMessage

log = logging.getLogger(__name__)

NETWORK_ERRORS = (aiohttp.ClientError, TimeoutError, OSError)


class Poster:
    """Sends a message's pieces with the adapter's Web API client and kept-alive session."""

    def __init__(
        self,
        client: AsyncWebClient,
        api_url: str,
        session: Callable[[], aiohttp.ClientSession | None],
    ) -> None:
        self._client = client
        self._api_url = api_url
        self._session = session

    async def post(self, message: OutboundMessage) -> str:
        """chat.postMessage (chat.postEphemeral when ``private_to``) for each piece; a private
        answer to a tap goes through the tap's response_url (``reply_hook``) when it still
        works, since chat.postEphemeral is rate-limited (about 100 a minute)."""
        user, ts = message.private_to, ""
        hook = message.reply_hook
        if user and hook and await self._answer_tap(hook, message):
            return ""
        channel = await self.dm_channel(message.address.chat)
        if message.images:
            return await self._upload(message, channel)
        for call in post_calls(message):
            call["channel"] = channel
            if user:
                response = await self._client.chat_postEphemeral(**call, user=user)
                ts = str(response["message_ts"])
            else:
                ts = str((await self._client.chat_postMessage(**call))["ts"])
        return ts

    async def _upload(self, message: OutboundMessage, channel: str) -> str:
        """files.upload v2 of the first image with the text as its comment; the file's id."""
        response = await self._client.files_upload_v2(
            **{**upload_call(message), "channel": channel}
        )
        files = obj(response.data).get("files")
        first = obj(files[0]) if isinstance(files, list) and files else {}
        return text(first.get("id"))

    async def _answer_tap(self, hook: str, message: OutboundMessage) -> bool:
        """Post an ephemeral answer to a response_url; False when it cannot carry the message or
        Slack refuses it (a hook works 5 times in 30 minutes), and the caller posts instead.

        A plain JSON POST on the adapter's kept-alive session: what the SDK's webhook client
        sends, without building a client (and reading the proxy settings) for every tap."""
        calls = post_calls(message)
        if len(calls) != 1 or not trusted_hook(hook, self._api_url) or self._session() is None:
            return False
        session = self._session()
        assert session is not None
        body = {"text": calls[0]["text"], "response_type": "ephemeral", "replace_original": False}
        if calls[0].get("blocks"):
            body["blocks"] = calls[0]["blocks"]
        try:
            async with session.post(hook, json=body) as response:
                status, answer = response.status, await response.read()
        except NETWORK_ERRORS as exc:
            log.info("slack response_url unreachable, posting instead: %r", exc)
            return False
        if status != 200:
            log.info("slack response_url refused (%s %r), posting instead", status, answer[:100])
        return status == 200

    async def dm_channel(self, chat: str) -> str:
        """Channel ids pass through; a user id (U…/W…) is opened as a DM with conversations.open."""
        if not re.fullmatch(r"[UW][A-Z0-9]+", chat):
            return chat
        try:
            response = await self._client.conversations_open(users=chat)
        except NETWORK_ERRORS as exc:  # nothing was posted yet
            raise SendError(f"slack unreachable: {exc!r}") from exc
        return str(response["channel"]["id"])
