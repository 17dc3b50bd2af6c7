"""Chat: the whole bot, the fake platforms around it, and people talking to it.

``chat.on("telegram")`` gives a person on a channel; what they say and tap goes through the
real ingress (signed Slack HTTP events and interactions, Telegram getUpdates, X polling, the
widget's JSON API) into the real SDKs, and ``expect_reply`` looks at what the fake platform
received for them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from contextlib import AsyncExitStack
from typing import Any, Literal, overload

import httpx

from bot.adapters.base import Adapter
from bot.adapters.slack import SlackAdapter
from bot.adapters.telegram import from_settings as telegram_from_settings
from bot.adapters.telegram import toasts
from bot.adapters.widget import WidgetAdapter
from bot.channel import Cursors
from config.settings import Settings
from handlers.speaking import Languages
from models.classification import Classifier
from models.store import Store
from models.store.migrate import upgrade_async
from tests.fakes.chat.base import Heard, Person
from tests.fakes.chat.slack import SIGNING_SECRET, SlackPerson
from tests.fakes.chat.staff import SlackStaff
from tests.fakes.chat.telegram import TelegramPerson
from tests.fakes.chat.widget import WidgetPerson
from tests.fakes.chat.x import XPerson
from tests.fakes.running import RunningBot, running_bot
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_driver import SlackDriver
from tests.fakes.telegram import FakeTelegram
from tests.fakes.waiting import wait_until
from tests.fakes.wording import shipped_wording
from tests.fakes.x import FakeX
from tests.fakes.x.helpers import adapter_for

PEOPLE: Mapping[str, Callable[..., Person]] = {
    "slack": SlackPerson,
    "telegram": TelegramPerson,
    "x": XPerson,
    "widget": WidgetPerson,
}


class Chat:
    """One conversation test's world: FakeSlack, FakeTelegram and FakeX, and the bot (once
    started) with an adapter for each channel asked for."""

    def __init__(self, make_settings: Callable[..., Settings]) -> None:
        self.slack = FakeSlack()
        self.telegram = FakeTelegram()
        self.x = FakeX()
        self.http = httpx.AsyncClient(timeout=10)
        self.slack_driver: SlackDriver | None = None
        self.adapters: dict[str, Adapter] = {}
        self.ids = itertools.count(1)
        self._make_settings = make_settings
        self._fakes = AsyncExitStack()
        self._run: AsyncExitStack | None = None
        self._bot: RunningBot | None = None
        self._classifier: Classifier | None = None
        self._how: tuple[tuple[str, ...], dict[str, Any], dict[str, Any]] = ((), {}, {})
        self._languages: Languages | None = None

    async def __aenter__(self) -> Chat:
        for fake in (self.slack, self.telegram, self.x):
            await self._fakes.enter_async_context(fake)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
        await self.http.aclose()
        await self._fakes.aclose()

    @property
    def bot(self) -> RunningBot:
        """The running bot (``start`` first)."""
        assert self._bot is not None, "start the bot first: await chat.start(...)"
        return self._bot

    @property
    def store(self) -> Store:
        """The running bot's store."""
        return self.bot.store

    def settings(self, **overrides: Any) -> Settings:
        """The bot's settings: the test's defaults and ``overrides``."""
        return self._make_settings(**overrides)

    async def start(
        self,
        *channels: str,
        tweaks: Mapping[str, Mapping[str, Any]] | None = None,
        languages: Languages | None = None,
        classifier: Classifier | None = None,
        **settings: Any,
    ) -> RunningBot:
        """Start the bot with the widget and an adapter on the fake of each of ``channels``
        ("slack", "telegram", "x"); with none, the composition root builds them from the
        settings. ``tweaks`` are per-channel adapter options (``{"x": {"webhook_mode": True}}``,
        ``{"slack": {"bot_token": "xoxb-revoked"}}``); ``languages`` which language the bot
        answers in (English for all by default); ``classifier`` labels messages (none:
        unlabelled)."""
        await self.stop()
        self._how = (channels, dict(settings), dict(tweaks or {}))
        self._languages = languages
        built = self.settings(**(self._platform_settings(channels) | settings))
        self._run = AsyncExitStack()
        adapters = await self._adapters(built, channels, tweaks or {}) if channels else None
        self._classifier = classifier
        started = running_bot(built, adapters=adapters, classifier=classifier, languages=languages)
        self._bot = await self._run.enter_async_context(started)
        self.slack_driver = SlackDriver(f"{self._bot.url}/slack/events", SIGNING_SECRET)
        self._run.push_async_callback(self.slack_driver.aclose)
        return self._bot

    async def restart(self) -> RunningBot:
        """Stop the bot and start it again as before (same database, fakes and people)."""
        channels, settings, tweaks = self._how
        return await self.start(
            *channels,
            tweaks=tweaks,
            languages=self._languages,
            classifier=self._classifier,
            **settings,
        )

    async def stop(self) -> None:
        """Stop the bot (the fakes keep running)."""
        if self._run is not None:
            run, self._run, self._bot = self._run, None, None
            await run.aclose()

    @overload
    def on(self, channel: Literal["slack"], **who: Any) -> SlackPerson: ...
    @overload
    def on(self, channel: Literal["telegram"], **who: Any) -> TelegramPerson: ...
    @overload
    def on(self, channel: Literal["x"], **who: Any) -> XPerson: ...
    @overload
    def on(self, channel: Literal["widget"], **who: Any) -> WidgetPerson: ...
    def on(self, channel: str, **who: Any) -> Person:
        """A person on ``channel``; ``who`` says who and where (see each channel's person)."""
        return PEOPLE[channel](self, **who)

    async def expect_reply(
        self, person: Person, *, contains: str = "", how: str = "", within: float = 10.0
    ) -> Heard:
        """Wait until the platform received something for ``person`` containing ``contains``
        (and shown ``how``, if given); the first such thing."""
        [first, *_] = await self.expect_replies(person, contains=contains, how=how, within=within)
        return first

    async def expect_replies(
        self,
        person: Person,
        *,
        count: int = 1,
        contains: str = "",
        how: str = "",
        within: float = 10.0,
    ) -> list[Heard]:
        """Wait until at least ``count`` such things arrived for ``person``; all of them."""

        async def matching() -> list[Heard]:
            return [
                h for h in await person.heard() if contains in h.text and (not how or h.how == how)
            ]

        async def enough() -> bool:
            return len(await matching()) >= count

        what = f"{count} repl{'y' if count == 1 else 'ies'} to {person} containing {contains!r}"
        await wait_until(enough, within=within, what=what)
        return await matching()

    def staff_in_slack(self, **who: Any) -> SlackStaff:
        """A member of staff in the Slack staff channel (see SlackStaff)."""
        return SlackStaff(self, **who)

    def next_id(self) -> int:
        """A number no other delivery in this test has used."""
        return next(self.ids)

    def _platform_settings(self, channels: Sequence[str]) -> dict[str, Any]:
        """Settings that point the channels configured by settings at the fakes."""
        if "telegram" not in channels:
            return {}
        return {"telegram_token": self.telegram.token, "telegram_api_url": self.telegram.url}

    async def _adapters(
        self, settings: Settings, channels: Sequence[str], tweaks: Mapping[str, Mapping[str, Any]]
    ) -> list[Adapter]:
        """The widget and one adapter per channel, on this test's fakes; their cursors
        (Telegram's offset, X's since_id) in the bot's database, as the composition root gives
        them."""
        assert self._run is not None
        await upgrade_async(settings.database_url)
        store = await self._run.enter_async_context(Store.open(settings.database_url))
        cursors = store.cursors
        built = [WidgetAdapter(), *(self._adapter(c, settings, cursors, tweaks) for c in channels)]
        self.adapters = {a.channel.value: a for a in built}
        return built

    def _adapter(
        self,
        channel: str,
        settings: Settings,
        cursors: Cursors,
        tweaks: Mapping[str, Mapping[str, Any]],
    ) -> Adapter:
        """The adapter for one channel, pointed at its fake."""
        options = dict(tweaks.get(channel, {}))
        if channel == "slack":
            return self._slack_adapter(**options)
        if channel == "x":
            return adapter_for(self.x, cursors, **options)
        assert channel == "telegram", f"no fake platform for {channel!r}"
        options.setdefault("toasts", toasts(shipped_wording()))
        adapter = telegram_from_settings(settings, cursors, **options)
        assert adapter is not None, "telegram needs FEEDBOT_TELEGRAM_TOKEN"
        return adapter

    def _slack_adapter(self, **options: Any) -> SlackAdapter:
        """An HTTP-mode Slack adapter on FakeSlack, with test-sized back-off."""
        values: dict[str, Any] = {
            "bot_token": self.slack.identity.bot_token,
            "signing_secret": SIGNING_SECRET,
            "api_url": self.slack.api_url,
            "max_backoff_s": 0.05,
        }
        return SlackAdapter(**(values | dict(options)))
