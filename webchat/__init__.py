"""plankg: webchat."""
