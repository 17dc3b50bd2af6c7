"""The Slack staff channel: a card per queue item, and once-only staff actions. Facade:
``facade.BridgeStore`` (``store.bridge``)."""
