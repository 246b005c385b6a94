"""`plankg serve`: gunicorn with the app factory; each worker loads the build once."""

from __future__ import annotations

from typing import Any

ACCESS_LOG_FORMAT = ('{"time": "%(t)s", "remote": "%(h)s", "method": "%(m)s", "path": "%(U)s", '
                     '"query": "%(q)s", "status": %(s)s, "bytes": %(B)s, "ms": %(M)s, "agent": "%(a)s"}')


def gunicorn_options(settings: Any) -> dict[str, Any]:
    return {
        "bind": f"{settings['HOST']}:{int(settings['PORT'])}",
        "workers": int(settings["WORKERS"]),
        "threads": int(settings["THREADS"]),
        "worker_class": "gthread",
        "timeout": int(settings["TIMEOUT"]),
        "graceful_timeout": 10,
        "accesslog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
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
