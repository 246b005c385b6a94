"""plankg: kg."""
