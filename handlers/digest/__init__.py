"""The weekly digest: one ISO week's figures from SQL aggregates, rendered and delivered."""
