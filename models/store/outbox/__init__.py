"""Outbound messages: stored first, then leased, sent with retries and settled once (``queue``), in
a versioned JSON form (``message_json``). Facade: ``facade.OutboxStore`` (``store.outbox``)."""
