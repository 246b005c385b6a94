"""One header policy for every response, absolute URLs from the configured public base, trusted proxies.

- Every HTML page gets the same Content-Security-Policy (with ``frame-ancestors`` from the settings);
  a view that needs a stricter one sets its own and keeps it. Every response gets ``nosniff`` and a
  Referrer-Policy.
- ``url_for(..., _external=True)`` builds from ``PUBLIC_URL`` (else ``http://HOST:PORT``), never from
  the client's Host header: the WSGI environ's host and scheme are replaced before Flask sees them.
- ``TRUSTED_PROXIES`` = N > 0 trusts the last N ``X-Forwarded-For`` hops (werkzeug ``ProxyFix``) for the
  client address used by the rate limit; 0 (default) ignores the header.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, current_app
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors {ancestors}")
REFERRER_POLICY = "strict-origin-when-cross-origin"


def public_base(config: Any) -> str:
    """The public URL of this server without a trailing slash."""
    configured = str(config.get("PUBLIC_URL") or "").strip().rstrip("/")
    return configured or f"http://{config['HOST']}:{int(config['PORT'])}"


class PublicURL:
    """WSGI middleware: host, scheme and mount prefix come from the public base, not from the request."""

    def __init__(self, app: Callable[..., Iterable[bytes]], base: str) -> None:
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"PUBLIC_URL must be an absolute http(s) URL, not {base!r}")
        self.app, self.scheme, self.host, self.prefix = app, parts.scheme, parts.netloc, parts.path.rstrip("/")

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        environ["HTTP_HOST"] = self.host
        environ["SERVER_NAME"], _, port = self.host.partition(":")
        environ["SERVER_PORT"] = port or ("443" if self.scheme == "https" else "80")
        environ["wsgi.url_scheme"] = self.scheme
        if self.prefix:
            path = environ.get("PATH_INFO", "")
            if path == self.prefix or path.startswith(self.prefix + "/"):
                environ["PATH_INFO"] = path[len(self.prefix):]  # mounted without stripping
            environ["SCRIPT_NAME"] = self.prefix
        return self.app(environ, start_response)


def _policy(resp: Response) -> Response:
    resp.headers.setdefault("X-Content-Type-Options", "nosniff")
    resp.headers.setdefault("Referrer-Policy", REFERRER_POLICY)
    if resp.mimetype == "text/html" and "Content-Security-Policy" not in resp.headers:
        resp.headers["Content-Security-Policy"] = CSP.format(ancestors=current_app.config["FRAME_ANCESTORS"])
    return resp


def init_app(app: Flask) -> None:
    app.after_request(_policy)
    wsgi: Any = PublicURL(app.wsgi_app, public_base(app.config))
    hops = int(app.config["TRUSTED_PROXIES"])
    if hops > 0:
        wsgi = ProxyFix(wsgi, x_for=hops, x_proto=0, x_host=0, x_port=0, x_prefix=0)
    app.wsgi_app = wsgi  # type: ignore[method-assign]
