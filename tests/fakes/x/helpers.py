"""Small test doubles for adapter-level X tests: a deduplicating sink, an adapter on the fake."""

from __future__ import annotations

from bot.adapters.x import XAdapter, XKeys
from bot.backoff import Backoff
from bot.channel import Cursors, Receipt
from bot.events import InboundEvent
from tests.fakes.cursors import MemoryCursors
from tests.fakes.x.server import FakeX, Keys

FAST_BACKOFF = Backoff(0.01, 0.05)


class RecordingSink:
    """Stores events once per platform id, like the store; counts every hand-over."""

    def __init__(self, fail_on: set[str] | None = None) -> None:
        self.stored: dict[str, InboundEvent] = {}
        self.received: list[InboundEvent] = []
        self._fail_on = set(fail_on or ())

    async def __call__(self, event: InboundEvent) -> Receipt:
        """Record the event; raise once for ids in ``fail_on`` (a store outage)."""
        if event.platform_id in self._fail_on:
            self._fail_on.discard(event.platform_id)
            raise OSError("store unavailable")
        self.received.append(event)
        duplicate = event.platform_id in self.stored
        self.stored.setdefault(event.platform_id, event)
        return Receipt(list(self.stored).index(event.platform_id) + 1, duplicate)


def keys_of(fake_keys: Keys) -> XKeys:
    """The adapter's keys for the fake's accepted keys."""
    return XKeys(
        fake_keys.consumer_key,
        fake_keys.consumer_secret,
        fake_keys.access_token,
        fake_keys.access_token_secret,
    )


def adapter_for(
    fake: FakeX,
    cursors: Cursors | None = None,
    *,
    keys: XKeys | None = None,
    interval: float = 0.02,
    backoff: Backoff = FAST_BACKOFF,
    webhook_mode: bool = False,
    short_wait_s: float = 5.0,
) -> XAdapter:
    """An XAdapter pointed at the fake, polling fast."""
    return XAdapter(
        keys or keys_of(fake.keys),
        cursors if cursors is not None else MemoryCursors(),
        api_url=fake.url,
        poll_interval_s=interval,
        webhook_mode=webhook_mode,
        backoff=backoff,
        short_wait_s=short_wait_s,
    )
