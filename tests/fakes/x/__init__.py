"""FakeX: a local X API v2 server verifying OAuth 1.0a, and X's webhook driver."""

from tests.fakes.x.server import FakeX, Keys
from tests.fakes.x.webhook import XWebhookDriver, dm_payload, sign_webhook, tweet_create_payload

__all__ = ["FakeX", "Keys", "XWebhookDriver", "dm_payload", "sign_webhook", "tweet_create_payload"]
