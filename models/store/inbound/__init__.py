"""What people send: inbound events recorded durably and idempotently, the message views,
classifications, opt-outs. Facade: ``facade.MessageStore`` (``store.messages``) and
``facade.ClassificationStore`` (``store.classifications``)."""
