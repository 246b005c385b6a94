"""The exception family of plankg (one JSON error shape in the web layer maps ``status``).

Lives in ``ingest`` because every later stage may raise these and imports flow one way.
"""

from __future__ import annotations


class PlankgError(Exception):
    """An error the user caused or can act on; ``status`` is the HTTP status the web layer uses."""

    status = 400

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class BadRequest(PlankgError):
    status = 400


class NotFound(PlankgError):
    status = 404


class QueryRejected(PlankgError):
    status = 400


class QueryTimeout(PlankgError):
    status = 503


class RateLimited(PlankgError):
    status = 429


class Unavailable(PlankgError):
    """No usable build (missing, stale or mismatched index)."""

    status = 503


class IngestError(PlankgError):
    """A plan could not be ingested. ``str()`` is one line naming the file (and line) and what was expected."""

    status = 400

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")
