"""Who was asked what, when: the ledger the per-person contact cap counts from."""
