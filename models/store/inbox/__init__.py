"""The staff queue: routing messages into items, staff actions, replies, CSAT, canned replies, the
item page and lists. Facade: ``facade.InboxStore`` (``store.inbox``)."""
