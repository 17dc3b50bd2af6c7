"""What people send: inbound events recorded durably and idempotently, the message listings,
classifications, opt-outs. Facade: ``facade.MessageStore`` (``store.messages``) and
``facade.ClassificationStore`` (``store.classifications``)."""
