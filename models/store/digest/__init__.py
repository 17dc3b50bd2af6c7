"""The weekly digest: its figures, its runs per week and destination, and "you said, we did"
actions with their notices. Facades: ``facade.DigestFigures`` (``store.digest``),
``runs.DigestRuns`` (``store.digest_runs``), ``actions.Actions`` (``store.actions``)."""
