"""plankg: ingest."""
