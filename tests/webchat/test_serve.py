"""`plankg serve` as run in production (gunicorn): JSON access log, /api/health; `plankg ingest --if-stale`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, TEST_PLANS, settings_for, start_server, stop_server

pytestmark = pytest.mark.slow

PLAN = "synthetic-county-b"
AGENT = 'probe "quoted" \\ agent/1.0'


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any, list[str]]]:
    from webchat.build import build

    plans = tmp_path_factory.mktemp("plans")
    for suffix in (".md", ".json"):
        shutil.copy(TEST_PLANS / f"{PLAN}{suffix}", plans)
    settings = settings_for(tmp_path_factory.mktemp("var"), PLANS_DIR=str(plans))
    build(settings)
    # one loopback client sends 8 SPARQL queries at once below: let it queue (the cap is tested elsewhere)
    proc, url = start_server(str(settings["DATA_DIR"]), PLANKG_SPARQL_PER_CLIENT="8", PLANKG_SPARQL_QUEUE_WAIT="30")
    yield url, settings, proc.log_lines
    stop_server(proc)


def access_lines(log: list[str], path: str, timeout: float = 10.0) -> list[dict[str, Any]]:
    """Access-log records for ``path``, waiting briefly for the line to be written."""
    deadline = time.monotonic() + timeout
    while True:
        records = []
        for line in list(log):
            if line.startswith("{"):
                records.append(json.loads(line))  # every JSON-looking line must parse
        found = [r for r in records if r["path"] == path]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def get(url: str, **headers: str) -> tuple[int, bytes]:
    req = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_access_log_line_is_json(served: tuple[str, Any, list[str]]) -> None:
    url, _settings, log = served
    status, body = get(url + "/api/search?q=%E7%94%9F%E6%80%81&k=2", **{"User-Agent": AGENT})
    assert status == 200
    [rec] = access_lines(log, "/api/search")
    assert rec["method"] == "GET" and rec["status"] == 200
    assert rec["query"] == "q=%E7%94%9F%E6%80%81&k=2"
    assert rec["agent"] == AGENT
    assert rec["bytes"] == len(body)
    assert isinstance(rec["ms"], int) and rec["remote"] == "127.0.0.1"
    assert {"time", "pid"} <= set(rec)


def test_access_log_survives_quotes_in_path(served: tuple[str, Any, list[str]]) -> None:
    url, _settings, log = served
    status, body = get(url + '/api/passages/%22x%5C%22')
    assert status == 404
    assert json.loads(body)["status"] == 404
    [rec] = access_lines(log, '/api/passages/"x\\"')
    assert rec["status"] == 404


def test_health_shape(served: tuple[str, Any, list[str]]) -> None:
    url, settings, _log = served
    status, body = get(url + "/api/health")
    assert status == 200
    health = json.loads(body)
    manifest = json.loads((Path(settings["DATA_DIR"]) / "current" / "manifest.json").read_text("utf-8"))
    assert health["ok"] is True
    assert health["build"] == manifest["build"]
    assert health["model"] == manifest["model"]
    assert health["counts"]["plans"] == 1


def ingest_if_stale(data_dir: Path, plans: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PLANKG_DATA_DIR": str(data_dir), "PLANKG_PLANS_DIR": str(plans)}
    proc = subprocess.run([sys.executable, "-m", "webchat.cli", "ingest", "--if-stale"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc


def test_ingest_if_stale(tmp_path: Path) -> None:
    from webchat.build import current_build, is_stale

    plans, data_dir = tmp_path / "plans", tmp_path / "var"
    plans.mkdir()
    for suffix in (".md", ".json"):
        shutil.copy(TEST_PLANS / f"{PLAN}{suffix}", plans)
    first = ingest_if_stale(data_dir, plans)
    assert "build " in first.stdout
    built = current_build(data_dir)
    assert built is not None
    second = ingest_if_stale(data_dir, plans)
    assert "up to date" in second.stdout
    assert current_build(data_dir) == built
    text = plans / f"{PLAN}.md"
    text.write_text(text.read_text("utf-8") + "\n本规划由县人民政府负责解释。\n", "utf-8")
    assert is_stale(settings_for(data_dir, PLANS_DIR=str(plans)))
    third = ingest_if_stale(data_dir, plans)
    assert "up to date" not in third.stdout
    rebuilt = current_build(data_dir)
    assert rebuilt is not None and rebuilt != built
    manifest = json.loads((rebuilt / "manifest.json").read_text("utf-8"))
    assert manifest["plans"][0]["sha256"] != json.loads((built / "manifest.json").read_text("utf-8"))["plans"][0]["sha256"]


def test_concurrent_sparql_queries_all_succeed(served: tuple[str, Any, list[str]]) -> None:
    """gthread workers parse queries on several threads at once; every one must succeed, and after."""
    from concurrent.futures import ThreadPoolExecutor

    from kg.examples import BY_ID

    url, _settings, _log = served
    base = BY_ID["counts-per-plan"].query

    def post(i: int) -> int:
        body = urllib.parse.urlencode({"query": f"{base}# request {i}\n"}).encode()  # defeat the parse cache
        req = urllib.request.Request(url + "/sparql", body, {"Accept": "application/sparql-results+json"})
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return int(resp.status)
        except urllib.error.HTTPError as exc:
            return exc.code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(post, range(48)))
    log = "".join(line for line in _log if "sparql" in line.lower() or "Trace" in line or "rror" in line)
    assert statuses == [200] * 48, log[-4000:]  # the server's own account if one failed
    assert post(-1) == 200
