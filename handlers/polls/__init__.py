"""Polls: the use cases (service), the pipeline steps, how a poll is asked and its results read,
the kinds, vote checks, the schedule that opens and closes polls, and live tallies."""
