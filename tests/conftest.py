"""Session-wide fixtures: one real ingest of the bundled plan, the app over it, a real server, a browser."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
PLAN_TEXT = ROOT / "data" / "plans" / "pingquan-2021-2035.md"
TEST_PLANS = ROOT / "tests" / "data" / "plans"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def settings_for(data_dir: Path, **extra: Any) -> Any:
    from webchat.settings import load_settings

    return load_settings({"DATA_DIR": str(data_dir), "PLANS_DIR": str(ROOT / "data" / "plans"),
                          "RATE_LIMIT": "off", **extra})


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The real ingest of the bundled plan, once per session; returns its settings."""
    from webchat.build import build

    data_dir = tmp_path_factory.mktemp("var")
    settings = settings_for(data_dir)
    build(settings)
    return settings


@pytest.fixture(scope="session")
def app(built: Any) -> Any:
    from webchat import create_app

    return create_app({"DATA_DIR": built["DATA_DIR"], "PLANS_DIR": built["PLANS_DIR"], "RATE_LIMIT": "off"})


@pytest.fixture()
def client(app: Any) -> Any:
    return app.test_client()


@pytest.fixture(scope="session")
def the_build(app: Any) -> Any:
    return app.extensions["plankg"].current()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, timeout: float = 60.0, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


class Server(subprocess.Popen[bytes]):
    """A `plankg serve` process whose combined output is drained into ``log_lines`` by a thread,
    so a chatty access log can never fill the pipe and stall the server."""

    log_lines: list[str]

    def drain(self) -> None:
        assert self.stdout is not None
        for raw in iter(self.stdout.readline, b""):
            self.log_lines.append(raw.decode("utf-8", "replace"))


def start_server(data_dir: str, **env: str) -> tuple[Server, str]:
    """A real `plankg serve` (gunicorn) on a free loopback port."""
    port = free_port()
    environ = {**os.environ, "PLANKG_DATA_DIR": data_dir, "PLANKG_PORT": str(port),
               "PLANKG_HOST": "127.0.0.1", "PLANKG_RATE_LIMIT": "off", "PLANKG_WORKERS": "1", **env}
    proc = Server([sys.executable, "-m", "webchat.cli", "serve"], env=environ, cwd=ROOT,
                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    proc.log_lines = []
    threading.Thread(target=proc.drain, daemon=True).start()
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(url + "/api/health", proc=proc)
    except (RuntimeError, TimeoutError) as exc:
        proc.kill()
        raise RuntimeError(f"{exc}\n--- server log ---\n{''.join(proc.log_lines[-40:])}") from exc
    return proc, url


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def live_server(built: Any) -> Iterator[str]:
    proc, url = start_server(str(built["DATA_DIR"]))
    yield url
    stop_server(proc)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian chromium driven by Playwright; skipped (visibly) without chromium, failed on CI."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed on CI (.ci/run installs it with apt)")
        pytest.skip("chromium not installed: `apt-get install chromium` to run browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--disable-quic", "--disable-sync"])
        yield b
        b.close()
