"""Feedback: stored in SQLite under the data directory with masking and no IP, reported by
`plankg report` and the token-protected staff page; it survives a server restart and a rebuild."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import urllib.request
from typing import Any

import pytest

from tests.conftest import ROOT, TEST_PLANS, settings_for, start_server, stop_server
from tests.webchat.test_limits import assert_error
from webchat.feedback import mask

PHONE, ID_NUMBER = "13812345678", "11010519491231002X"


def test_mask_phone_and_id_numbers() -> None:
    text = f"我的电话{PHONE}，座机 0314-1234567，身份证{ID_NUMBER}，规划期限2021-2035年，面积2035公顷"
    masked = mask(text)
    assert PHONE not in masked and "1234567" not in masked and ID_NUMBER not in masked
    assert "2021-2035年" in masked and "2035公顷" in masked


@pytest.mark.parametrize("body", [
    {"question": "供水怎么安排？"},  # no vote
    {"question": "供水怎么安排？", "helpful": "yes"},
    {"question": "", "helpful": True},
    {"question": "供水", "helpful": True, "comment": "x" * 1001},
    {"question": "供水", "helpful": True, "sections": "7.3"},
    {"question": "供水", "helpful": True, "sections": [1]},
])
def test_bad_feedback_is_400(client: Any, body: dict[str, Any]) -> None:
    assert_error(client.post("/api/feedback", json=body), 400)


def test_feedback_needs_json(client: Any) -> None:
    assert_error(client.post("/api/feedback", data="question=x"), 415)


def post(url: str, body: dict[str, Any]) -> int:
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        return int(resp.status)


@pytest.fixture(scope="module")
def small_build(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from webchat.build import build

    plans = tmp_path_factory.mktemp("plans")
    for suffix in (".md", ".json"):
        shutil.copy(TEST_PLANS / f"synthetic-county-b{suffix}", plans)
    settings = settings_for(tmp_path_factory.mktemp("var"), PLANS_DIR=str(plans))
    build(settings)
    return settings


@pytest.mark.slow
def test_feedback_survives_restart_and_rebuild_and_appears_in_report(small_build: Any) -> None:
    from webchat.build import build

    data_dir = str(small_build["DATA_DIR"])
    proc, url = start_server(data_dir)
    try:
        assert post(url + "/api/feedback", {"question": f"我家水管坏了找谁？电话{PHONE}", "helpful": False,
                                            "plan": "synthetic-county-b", "outcome": "declined",
                                            "sections": ["7.3"], "comment": f"身份证{ID_NUMBER}"}) == 201
    finally:
        stop_server(proc)
    build(small_build)  # a rebuild writes a new build directory; feedback lives beside the builds
    proc, url = start_server(data_dir)
    stop_server(proc)
    out = subprocess.run([sys.executable, "-m", "webchat.cli", "--data-dir", data_dir, "report"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    print("\n" + out)
    assert "synthetic-county-b" in out and "我家水管坏了找谁" in out and "| 7.3 |" in out
    assert PHONE not in out
    with open(f"{data_dir}/feedback.sqlite3", "rb") as fh:
        raw = fh.read()
    assert PHONE.encode() not in raw and ID_NUMBER.encode() not in raw and b"127.0.0.1" not in raw


def test_staff_page_needs_the_token(built: Any) -> None:
    from webchat import create_app

    off = create_app({"DATA_DIR": built["DATA_DIR"], "PLANS_DIR": built["PLANS_DIR"], "RATE_LIMIT": "off"})
    assert off.test_client().get("/staff/report", headers={"Accept": "application/json"}).status_code == 404
    app = create_app({"DATA_DIR": built["DATA_DIR"], "PLANS_DIR": built["PLANS_DIR"], "RATE_LIMIT": "off",
                      "STAFF_TOKEN": "s3cret"})
    client = app.test_client()
    client.post("/api/feedback", json={"question": "学校怎么布局？", "helpful": False, "sections": ["7.2"]})
    page = client.get("/staff/report")
    assert page.status_code == 200 and "学校怎么布局" not in page.get_data(as_text=True)
    assert client.post("/staff/report", data={"token": "wrong"}).status_code == 403
    ok = client.post("/staff/report", data={"token": "s3cret"})
    assert ok.status_code == 200 and "学校怎么布局" in ok.get_data(as_text=True)
    assert ok.headers["Cache-Control"] == "no-store"


def test_declined_questions_are_recorded_for_the_report(client: Any, app: Any) -> None:
    from webchat.feedback import report

    body = client.post("/api/ask", json={"question": "明天的足球比赛谁会赢？"}).get_json()
    assert body["answered"] is False
    groups = report(app.config)
    hits = [g for g in groups if "明天的足球比赛谁会赢？" in g.questions]
    assert any(g.declined >= 1 for g in hits), hits
