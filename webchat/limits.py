"""Per-client rate limits (flask-limiter) and the CORS allow-list for /api and /sparql.

One budget per client across all gunicorn workers: with ``RATE_LIMIT_STORAGE`` (e.g. ``redis://``) the
workers count in one shared store; without it each worker counts in its own memory and enforces its
share (limit // WORKERS, at least 1), so the total a client gets never exceeds the setting.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse_many


def _exempt() -> bool:
    return request.method == "OPTIONS" or not request.path.startswith(("/api", "/sparql")) \
        or request.path in ("/api/health", "/api/openapi.json", "/api/docs")


def worker_share(setting: str, workers: int) -> str:
    """``"30/minute;500/hour"`` with 2 workers → ``"15/1 minute;250/1 hour"``. A limit smaller than the
    number of workers stretches the window instead (``"1/minute"``, 2 workers → ``"1/2 minute"``), so the
    total a client gets never exceeds the setting."""
    workers = max(1, workers)
    parts = []
    for item in parse_many(setting):
        if item.amount >= workers:
            parts.append(f"{item.amount // workers}/{item.multiples} {item.GRANULARITY.name}")
        else:
            stretch = -(-workers // item.amount)  # ceil: each worker allows 1 per stretch windows
            parts.append(f"1/{item.multiples * stretch} {item.GRANULARITY.name}")
    return ";".join(parts)


def init_app(app: Flask) -> None:
    """One limiter per app (so tests can build apps with different limits side by side)."""
    setting = str(app.config["RATE_LIMIT"]).strip()
    enabled = setting.lower() not in ("off", "", "none")
    storage = str(app.config.get("RATE_LIMIT_STORAGE") or "").strip()
    app.config["RATELIMIT_ENABLED"] = enabled
    app.config["RATELIMIT_HEADERS_ENABLED"] = True
    share = worker_share(setting, int(app.config["WORKERS"])) if enabled else ""
    # application limits: one budget per client shared by all limited routes (default limits would
    # give each route its own budget, multiplying the allowance by the number of routes)
    limits_now: list[Any] = [setting if storage else share] if enabled else []
    limiter = Limiter(key_func=get_remote_address, app=app, storage_uri=storage or "memory://",
                      key_prefix="plankg", application_limits=limits_now,
                      application_limits_exempt_when=_exempt,
                      in_memory_fallback=[share] if storage and enabled else None,
                      in_memory_fallback_enabled=bool(storage and enabled))
    app.extensions["plankg_limiter"] = limiter
    app.after_request(_cors)


def allowed_origins(app: Flask) -> set[str]:
    return {o.rstrip("/") for o in str(app.config["CORS_ORIGINS"]).split() if o}


def _cors(resp: Response) -> Response:
    origin = request.headers.get("Origin")
    if not origin or not request.path.startswith(("/api", "/sparql")):
        return resp
    resp.vary.add("Origin")  # merged with what the view set (e.g. Accept), never replacing it
    if origin.rstrip("/") in allowed_origins(current_app):  # type: ignore[arg-type]
        resp.headers["Access-Control-Allow-Origin"] = origin
        if request.method == "OPTIONS":
            resp.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            resp.headers["Access-Control-Allow-Headers"] = "Content-Type, Accept"
            resp.headers["Access-Control-Max-Age"] = "600"
    return resp
