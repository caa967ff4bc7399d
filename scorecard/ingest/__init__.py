"""Ingest: find the extracts in the landing zone, read them, check them against their contracts
and load them into `raw` (or `quarantine`, with a reason per row)."""
