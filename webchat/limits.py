"""Per-client rate limits (flask-limiter) and the CORS allow-list for /api and /sparql."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address


def _exempt() -> bool:
    return request.method == "OPTIONS" or not request.path.startswith(("/api", "/sparql")) \
        or request.path in ("/api/health", "/api/openapi.json", "/api/docs")


def init_app(app: Flask) -> None:
    """One limiter per app (so tests can build apps with different limits side by side)."""
    setting = str(app.config["RATE_LIMIT"]).strip()
    enabled = setting.lower() not in ("off", "", "none")
    app.config["RATELIMIT_ENABLED"] = enabled
    app.config["RATELIMIT_HEADERS_ENABLED"] = True
    # application limits: one budget per client shared by all limited routes (default limits would
    # give each route its own budget, multiplying the allowance by the number of routes)
    limiter = Limiter(key_func=get_remote_address, app=app, storage_uri="memory://",
                      application_limits=[setting] if enabled else [],
                      application_limits_exempt_when=_exempt)
    app.extensions["plankg_limiter"] = limiter
    app.after_request(_cors)


def allowed_origins(app: Flask) -> set[str]:
    return {o.rstrip("/") for o in str(app.config["CORS_ORIGINS"]).split() if o}


def _cors(resp: Response) -> Response:
    from flask import current_app

    origin = request.headers.get("Origin")
    if not origin or not request.path.startswith(("/api", "/sparql")):
        return resp
    if origin.rstrip("/") in allowed_origins(current_app):  # type: ignore[arg-type]
        resp.headers["Access-Control-Allow-Origin"] = origin
        resp.headers["Vary"] = "Origin"
        if request.method == "OPTIONS":
            resp.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            resp.headers["Access-Control-Allow-Headers"] = "Content-Type, Accept"
            resp.headers["Access-Control-Max-Age"] = "600"
    return resp
