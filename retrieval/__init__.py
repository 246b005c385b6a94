"""plankg: retrieval."""
