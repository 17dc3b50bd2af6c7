"""Staff alerts: raised once, their sends claimed and retried, and the topic spike queries. Facade:
``facade.AlertStore`` (``store.alerts``)."""
