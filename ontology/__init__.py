"""plankg: ontology."""
