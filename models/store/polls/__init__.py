"""Polls: definitions and schedules, opening and closing claims, where they were posted, votes and
tallies. Facades: ``facade.PollStore`` (``store.polls``), ``claims.PollClaims``
(``store.poll_claims``)."""
