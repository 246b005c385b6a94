"""`plankg serve`: gunicorn with the app factory; each worker loads the build once.

Access log: one JSON object per request on stderr (beside gunicorn's error log), built with
``json.dumps`` so a quote or backslash in a path or user agent cannot break the line.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

from gunicorn.glogging import Logger


def access_record(atoms: dict[str, Any]) -> dict[str, Any]:
    """The fields of one access-log line from gunicorn's log atoms."""
    status = str(atoms.get("s", "0")).split(None, 1)[0]
    return {"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "remote": atoms.get("h"), "method": atoms.get("m"),
            "path": atoms.get("U"), "query": atoms.get("q") or "", "status": int(status) if status.isdigit() else status,
            "bytes": atoms.get("B") or 0, "ms": atoms.get("M"), "agent": atoms.get("a"), "pid": os.getpid()}


class JsonAccessLogger(Logger):  # type: ignore[misc]
    """gunicorn's logger with JSON access lines written to stderr."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for handler in self.access_log.handlers:
            if getattr(handler, "_gunicorn", False) and hasattr(handler, "setStream"):
                handler.setStream(sys.stderr)

    def access(self, resp: Any, req: Any, environ: Any, request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        line = json.dumps(access_record(self.atoms(resp, req, environ, request_time)), ensure_ascii=False)
        self.access_log.info("%s", line)


def gunicorn_options(settings: Any) -> dict[str, Any]:
    return {
        "bind": f"{settings['HOST']}:{int(settings['PORT'])}",
        "workers": int(settings["WORKERS"]),
        "threads": int(settings["THREADS"]),
        "worker_class": "gthread",
        "timeout": int(settings["TIMEOUT"]),
        "graceful_timeout": 10,
        "accesslog": "-",
        "logger_class": JsonAccessLogger,
        "errorlog": "-",
        "loglevel": "info",
    }


def run_gunicorn(settings: Any) -> int:
    from gunicorn.app.base import BaseApplication

    class PlankgServer(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in gunicorn_options(settings).items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from webchat import create_app

            return create_app(dict(settings))

    PlankgServer().run()
    return 0
