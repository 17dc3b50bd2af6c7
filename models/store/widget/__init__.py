"""Web widget sessions and their rate limits. Facade: ``sessions.SessionStore``
(``store.sessions``)."""
