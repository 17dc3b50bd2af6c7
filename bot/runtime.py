"""Serving: the web server inside the bot's lifecycle, with SIGTERM draining in-flight work."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator, Iterator, Sequence

import uvicorn

from bot.adapters import catalog
from bot.adapters.base import Adapter, ChannelKind
from bot.app import Bot, running_bot
from config.settings import Settings
from handlers.speaking import Languages
from models.classification import Classifier
from models.store.migrate import upgrade_async

log = logging.getLogger(__name__)


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: the runtime owns SIGINT/SIGTERM."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def web_server(bot: Bot, *, host: str, port: int) -> _Server:
    """A uvicorn server for the bot's web app."""
    config = uvicorn.Config(
        bot.web,
        host=host,
        port=port,
        lifespan="off",
        access_log=False,
        proxy_headers=False,  # the client address comes from FEEDBOT_TRUSTED_PROXY_HEADER only
        log_config=None,
        timeout_graceful_shutdown=10,
    )
    return _Server(config)


@contextlib.asynccontextmanager
async def serving(
    settings: Settings,
    *,
    classifier: Classifier | None = None,
    adapters: Sequence[Adapter] | None = None,
    port: int | None = None,
    languages: Languages | None = None,
    kinds: Sequence[ChannelKind] = catalog.CHANNELS,
) -> AsyncIterator[tuple[Bot, _Server]]:
    """Run the bot and its web server until the block ends; the server stops first."""
    running = running_bot(
        settings, classifier=classifier, adapters=adapters, languages=languages, kinds=kinds
    )
    async with running as bot:
        server = web_server(
            bot, host=settings.http_host, port=settings.http_port if port is None else port
        )
        task = asyncio.create_task(server.serve(), name="web")
        try:
            while not server.started:
                if task.done():
                    task.result()
                    raise RuntimeError(
                        f"web server did not start on {settings.http_host}:{settings.http_port}"
                    )
                await asyncio.sleep(0.01)
            yield bot, server
        finally:
            server.should_exit = True
            await task


def bound_port(server: uvicorn.Server) -> int:
    """The port the server actually listens on (useful with port 0)."""
    return int(server.servers[0].sockets[0].getsockname()[1])


async def serve(settings: Settings, classifier: Classifier | None) -> None:
    """Migrate, start, and run until SIGINT or SIGTERM; then drain and stop."""
    await upgrade_async(settings.database_url)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with serving(settings, classifier=classifier) as (bot, server):
        log.info("feedbot is up on http://%s:%s/widget", settings.http_host, bound_port(server))
        for adapter in bot.adapters:
            log.info("channel %s: %s", adapter.channel.value, adapter.state.value)
        await stop.wait()
        log.info("stopping: finishing in-flight work")
