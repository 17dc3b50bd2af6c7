"""Customer groups: placing people in them as they write, and coverage (who we hear from,
against the population served)."""
