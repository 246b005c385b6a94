"""Re-ingest while a real `plankg serve` (2 workers) answers: no failed request, every worker moves to the
new build; a failing re-ingest (truncated text, binary text, SHACL violation) leaves the old build serving.
"""

from __future__ import annotations

import http.client
import json
import shutil
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ingest.errors import IngestError
from tests.conftest import TEST_PLANS, settings_for, start_server, stop_server

pytestmark = pytest.mark.slow

PLAN = "synthetic-county-a"
QUESTIONS = ("哪些是重点镇？", "森林覆盖率目标是多少？", "生态保护红线有什么要求？", "村庄分为哪几类？")
MAX_REQUESTS = 400  # per load thread; the loop normally stops earlier (re-ingest done + 3 s)
PACE_S = 0.05


def copy_plan(folder: Path, text: bytes | None = None, **manifest: Any) -> Path:
    """``folder`` holding the synthetic plan, optionally with another text or manifest fields."""
    folder.mkdir(parents=True, exist_ok=True)
    meta = json.loads((TEST_PLANS / f"{PLAN}.json").read_text("utf-8")) | manifest
    (folder / f"{PLAN}.json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
    (folder / f"{PLAN}.md").write_bytes(text if text is not None else (TEST_PLANS / f"{PLAN}.md").read_bytes())
    return folder


@dataclass
class Server:
    url: str
    settings: Any
    log: list[str] = field(default_factory=list)

    def get_json(self, path: str) -> Any:
        host = urllib.parse.urlsplit(self.url)
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
        try:
            conn.request("GET", path)
            resp = conn.getresponse()
            assert resp.status == 200, resp.read()
            return json.loads(resp.read())
        finally:
            conn.close()

    def builds_seen(self, polls: int = 10) -> set[str]:
        return {self.get_json("/api/health")["build"] for _ in range(polls)}

    def settle(self, want: str, timeout: float = 30.0) -> set[str]:
        """Builds seen once every worker has had time to load ``want`` in the background: two rounds
        of polls, more than ``Resources.CHECK_EVERY`` apart, that see only ``want``."""
        deadline = time.monotonic() + timeout
        stable = 0
        seen = self.builds_seen(20)
        while time.monotonic() < deadline:
            stable = stable + 1 if seen == {want} else 0
            if stable >= 2:
                break
            time.sleep(1.2)
            seen = self.builds_seen(20)
        return seen


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    from webchat.build import build

    plans = copy_plan(tmp_path_factory.mktemp("plans"))
    settings = settings_for(tmp_path_factory.mktemp("var"), PLANS_DIR=str(plans))
    build(settings)
    proc, url = start_server(str(settings["DATA_DIR"]), PLANKG_WORKERS="2", PLANKG_THREADS="4")
    srv = Server(url, settings, proc.log_lines)
    yield srv
    stop_server(proc)


class Load(threading.Thread):
    """Closed-loop /api/ask + /api/search on one keep-alive connection until told to stop."""

    def __init__(self, url: str, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.split = urllib.parse.urlsplit(url)
        self.stop = stop
        self.results: list[tuple[float, str, int | str]] = []  # (start time, path, status or error)

    def run(self) -> None:
        conn = http.client.HTTPConnection(self.split.hostname, self.split.port, timeout=60)
        i = 0
        while not self.stop.is_set() and i < MAX_REQUESTS:
            q = QUESTIONS[i % len(QUESTIONS)]
            if i % 2:
                path, body = "/api/search?" + urllib.parse.urlencode({"q": q}), None
            else:
                path, body = "/api/ask", json.dumps({"question": q}).encode()
            t = time.monotonic()
            try:
                conn.request("POST" if body else "GET", path, body, {"Content-Type": "application/json"})
                resp = conn.getresponse()
                resp.read()
                self.results.append((t, path, resp.status))
            except (OSError, http.client.HTTPException) as exc:
                self.results.append((t, path, repr(exc)))
                conn.close()
                conn = http.client.HTTPConnection(self.split.hostname, self.split.port, timeout=60)
            i += 1
            time.sleep(PACE_S)
        conn.close()


def current_target(settings: Any) -> Path:
    return (Path(settings["DATA_DIR"]) / "current").resolve()


def test_reingest_under_load_swaps_every_worker(server: Server) -> None:
    from webchat.build import build

    old = server.get_json("/api/health")["build"]
    stop = threading.Event()
    loads = [Load(server.url, stop) for _ in range(2)]
    for t in loads:
        t.start()
    try:
        time.sleep(0.5)
        result = build(server.settings)
        swapped = time.monotonic()
        time.sleep(3)
    finally:
        stop.set()
        for t in loads:
            t.join(timeout=60)
    results = [r for t in loads for r in t.results]
    failures = [r for r in results if r[2] != 200]
    assert not failures, failures[:5]
    assert any(t < swapped for t, _p, _s in results) and any(t > swapped + 1 for t, _p, _s in results)
    assert {p.split("?")[0] for _t, p, _s in results} == {"/api/ask", "/api/search"}
    assert result.build_id != old
    assert current_target(server.settings).name == result.build_id
    assert server.settle(result.build_id) == {result.build_id}
    health = server.get_json("/api/health")
    assert health["warning"] is None
    assert health["counts"]["plans"] == 1


def truncated_text() -> bytes:
    text = (TEST_PLANS / f"{PLAN}.md").read_text("utf-8")
    cut = text.index("4.1 城镇空间格局")  # chapters 4–6 are listed in 目录 but missing
    return text[: text.rfind("\n", 0, cut)].encode("utf-8")


BAD_PLANS = [
    pytest.param(lambda: {"text": truncated_text()}, "listed in 目录 are missing", id="truncated-text"),
    pytest.param(lambda: {"text": bytes(range(256)) * 64}, "binary", id="binary-text"),
    # plan.ttl/shapes.ttl: plan:periodStart sh:lessThanOrEquals plan:periodEnd
    pytest.param(lambda: {"period_start": 2040}, "SHACL validation failed", id="shacl-violation"),
]


@pytest.mark.parametrize(("bad", "message"), BAD_PLANS)
def test_failing_reingest_keeps_old_build(server: Server, tmp_path: Path, bad: Any, message: str) -> None:
    from webchat.build import build

    before = current_target(server.settings)
    served = server.settle(current_target(server.settings).name)
    assert served == {before.name}
    bad_plans = copy_plan(tmp_path / "plans", **bad())
    with pytest.raises(IngestError, match=message):
        build(settings_for(Path(server.settings["DATA_DIR"]), PLANS_DIR=str(bad_plans)))
    assert current_target(server.settings) == before
    assert not [p for p in (Path(server.settings["DATA_DIR"]) / "builds").iterdir() if p.name.startswith(".")]
    time.sleep(1.2)  # past Resources.CHECK_EVERY: workers look at `current` again
    assert server.builds_seen() == served
    health = server.get_json("/api/health")
    assert health["warning"] is None
    assert health["counts"]["plans"] == 1


def test_broken_build_directory_keeps_old_build_in_workers(server: Server, tmp_path: Path) -> None:
    """`current` repointed at a build whose files are unreadable: workers keep serving the one they have."""
    from webchat.build import swap_current

    data_dir = Path(server.settings["DATA_DIR"])
    good = current_target(server.settings)
    served = server.settle(current_target(server.settings).name)
    broken = data_dir / "builds" / "00000000T000000-broken"
    shutil.copytree(good, broken)
    (broken / "passages.jsonl").write_text("{not json\n", "utf-8")
    try:
        swap_current(data_dir, broken)
        time.sleep(1.2)
        assert server.builds_seen() == served
        assert "kept build" in (server.get_json("/api/health")["warning"] or "")
    finally:
        swap_current(data_dir, good)
        shutil.rmtree(broken)
    time.sleep(1.2)
    assert server.get_json("/api/health")["warning"] is None
