"""The /sparql fast path: a query answered below Flask, in the WSGI stack, when nothing needs Flask.

A plain query (GET with ``query=``, form POST, direct POST; no ``Origin``; no in-process rate limit
to count) does the same steps as the view — strict UTF-8 protocol, ``screen``, negotiation, the
client's concurrent-query slot, a worker with its timeout — without a request context, routing,
hooks or a ``Response`` object (about a fifth of a light query's time). The header policy's headers
are added here. Anything else goes to Flask unchanged; so does every failure: the exception is
handed to the view (``webchat.sparql.DEFERRED``), which raises it again, so errors keep one JSON
shape, one log line and every hook. Installed innermost (after ``PublicURL`` and ``ProxyFix``, so
the client address is the one the rest of the app sees).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask

from ingest.errors import BadRequest
from webchat.headers import REFERRER_POLICY
from webchat.sparql import DEFERRED, output_headers, query_job, read_protocol

_TYPES = ("application/x-www-form-urlencoded", "application/sparql-query")
_POLICY = [("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", REFERRER_POLICY)]

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class SparqlFastPath:
    """WSGI middleware in front of Flask's own ``wsgi_app`` for the queries it can answer alone."""

    def __init__(self, app: Flask, inner: WSGIApp) -> None:
        self.app, self.inner = app, inner

    def eligible(self, environ: dict[str, Any]) -> bool:
        if environ.get("PATH_INFO") != "/sparql" or "HTTP_ORIGIN" in environ:
            return False
        if self.app.config.get("RATELIMIT_ENABLED"):  # the limiter counts in Flask's request hooks
            return False
        method = environ.get("REQUEST_METHOD")
        if method == "GET":
            return "query=" in environ.get("QUERY_STRING", "")
        if method != "POST" or _mimetype(environ) not in _TYPES:
            return False
        length = str(environ.get("CONTENT_LENGTH") or "")
        return length.isdigit() and int(length) <= int(self.app.config["MAX_CONTENT_LENGTH"])

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not self.eligible(environ):
            return self.inner(environ, start_response)
        try:
            answer = self.answer(environ)
        except Exception as exc:  # noqa: BLE001 - every failure is Flask's to render, as on the slow path
            environ[DEFERRED] = exc
            return self.inner(environ, start_response)
        if answer is None:  # not a query after all (e.g. a GET for the page): nothing was read
            return self.inner(environ, start_response)
        body, headers = answer
        start_response("200 OK", [*headers, ("Content-Length", str(len(body))), *_POLICY])
        return [body]

    def answer(self, environ: dict[str, Any]) -> tuple[bytes, list[tuple[str, str]]] | None:
        config = self.app.config
        method = str(environ["REQUEST_METHOD"])

        def body() -> bytes:
            return bytes(environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"])))

        query_string = str(environ.get("QUERY_STRING", "")).encode("latin-1")
        text, params = read_protocol(method, _mimetype(environ), query_string, body)
        if text is None:
            if method == "GET":
                return None
            raise BadRequest("缺少 query 参数。 / The query parameter is missing.")
        build = self.app.extensions["plankg"].current()
        job = query_job(text, params, str(environ.get("HTTP_ACCEPT", "")), build, config)
        runners = self.app.extensions["plankg_sparql"]
        with runners.slot(str(environ.get("REMOTE_ADDR") or "-")):
            out = runners.submit(job, build, self.app.extensions["plankg"].current)
        return out.body, output_headers(out, config)


def _mimetype(environ: dict[str, Any]) -> str:
    return str(environ.get("CONTENT_TYPE", "")).split(";", 1)[0].strip().lower()


def install(app: Flask) -> bool:
    """Put the fast path right in front of Flask's ``wsgi_app``, inside the middlewares already there
    (each keeps the next one in ``.app``, as werkzeug's do); False, and no fast path, if the chain is
    not one it can walk."""
    outer, inner = None, app.wsgi_app
    while getattr(inner, "__self__", None) is not app:
        if not hasattr(inner, "app"):
            return False
        outer, inner = inner, inner.app
    fast = SparqlFastPath(app, inner)
    if outer is None:
        app.wsgi_app = fast  # type: ignore[method-assign]
    else:
        outer.app = fast
    return True
