"""What the store already knows on a subject, read for the poll page's panel."""
