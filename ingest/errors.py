"""Ingest errors: each names the file, the line where known, and what was expected."""

from __future__ import annotations


class IngestError(Exception):
    """A plan could not be ingested. ``str()`` is one line for the user."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")
