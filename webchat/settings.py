"""Every setting of plankg, its default and what it means. Environment: ``PLANKG_<NAME>``.

The README's settings table is checked against ``SETTINGS`` by a test.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Config

SETTINGS: dict[str, tuple[Any, str]] = {
    "DATA_DIR": ("var", "Directory for builds; `current` points at the build being served."),
    "PLANS_DIR": ("data/plans", "Directory of plan texts with one JSON manifest each."),
    "STORE": ("oxigraph", "Graph store: `oxigraph` (in-process, default), `memory` (rdflib) or "
              "`sparql:<query-url>` (an external SPARQL 1.1 server)."),
    "STORE_UPDATE_URL": ("", "Update endpoint of the external store; `plankg ingest` loads the graph there."),
    "EMBEDDER": ("use-m3", "Dense embedder: `use-m3` (packaged multilingual USE) or "
                 "`sentence-transformers:<name-or-path>`."),
    "IRI_BASE": ("https://w3id.org/plankg", "Base of instance IRIs; set it to this server's URL to make "
                 "IRIs dereference here."),
    "RATE_LIMIT": ("30/minute;500/hour", "Per-client limit on /api and /sparql (flask-limiter syntax); "
                   "`off` disables it."),
    "RATE_LIMIT_STORAGE": ("", "Shared counter store for the rate limit across workers (flask-limiter storage URI, "
                           "e.g. `redis://127.0.0.1:6379/0`); empty: each worker enforces its share "
                           "(limit ÷ `WORKERS`)."),
    "TRUSTED_PROXIES": (0, "Number of reverse proxies in front whose `X-Forwarded-For` is trusted for the "
                        "client address (werkzeug ProxyFix); 0 ignores the header."),
    "PUBLIC_URL": ("", "Public base URL of this server (e.g. `https://plan.example.gov.cn`) for absolute "
                   "links such as the embed snippet; empty: `http://HOST:PORT`. Never taken from the Host header."),
    "STAFF_TOKEN": ("", "Access token of the staff report page `/staff/report`; empty: the page is off."),
    "CORS_ORIGINS": ("", "Space-separated exact origins allowed to call /api and /sparql from a browser."),
    "FRAME_ANCESTORS": ("'self'", "CSP frame-ancestors for pages (iframe embedding)."),
    "MAX_QUESTION_CHARS": (500, "Longest question accepted."),
    "MAX_CONTENT_LENGTH": (65536, "Largest request body in bytes."),
    "SPARQL_TIMEOUT": (10.0, "Seconds a SPARQL query may run before it is stopped."),
    "SPARQL_MAX_ROWS": (10000, "Rows returned at most; more are cut and a header says so."),
    "SPARQL_MAX_QUERY_BYTES": (20000, "Longest SPARQL query accepted."),
    "SPARQL_WORKERS": (2, "SPARQL worker processes per server process (at most `THREADS` − 1)."),
    "SPARQL_PER_CLIENT": (2, "SPARQL queries one client may run at once; more get 429."),
    "SPARQL_QUEUE_WAIT": (1.0, "Seconds a SPARQL query waits for a free worker before 503."),
    "SPARQL_MEMORY_MB": (1024, "Address-space cap of each SPARQL worker process (RLIMIT_AS); 0 = none."),
    "WORKERS": (2, "gunicorn worker processes for `plankg serve`."),
    "THREADS": (4, "Threads per gunicorn worker."),
    "TIMEOUT": (60, "gunicorn worker timeout in seconds."),
    "HOST": ("127.0.0.1", "Address `plankg serve` binds."),
    "PORT": (8000, "Port `plankg serve` binds."),
    "PLAN_CACHE": (32, "Plans whose records (passages, facts, answering data) a worker keeps in memory, the most "
                   "recently used; others are read from the build's files when asked about."),
    "DEFAULT_PLAN": ("", "Plan id the chat page preselects and the embed snippet names when the URL names none; empty: the chat page asks across all plans (the question's place names choose, else the resident is asked) and the snippet names the first plan."),
}


def defaults() -> dict[str, Any]:
    return {name: value for name, (value, _doc) in SETTINGS.items()}


def load_settings(overrides: dict[str, Any] | None = None) -> Config:
    """Defaults, then ``PLANKG_*`` environment variables, then ``overrides``."""
    cfg = Config(str(Path.cwd()))
    cfg.from_mapping(defaults())
    cfg.from_prefixed_env("PLANKG")
    if overrides:
        cfg.from_mapping(overrides)
    return cfg
