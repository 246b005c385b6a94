"""Hardening: one header policy on every page, no Host reflection, merged Vary, trusted proxies,
hostile inputs answered with 4xx in the error shape (never a 500), English errors under ?lang=en."""

from __future__ import annotations

import json
import random
from typing import Any
from urllib.parse import quote

import pytest

from tests.webchat.test_limits import assert_error

PLAN = "pingquan-2021-2035"
PAGES = ["/", "/sparql", "/ontology", f"/id/{PLAN}", "/embed-demo", "/embed", "/api/docs"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_the_header_policy(client: Any, path: str) -> None:
    resp = client.get(path, headers={"Accept": "text/html"})
    assert resp.status_code == 200 and resp.mimetype == "text/html", path
    csp = resp.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in csp and "default-src 'self'" in csp
    assert "script-src 'unsafe-inline'" not in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_frame_ancestors_setting_reaches_every_page(make_app: Any) -> None:
    client = make_app(FRAME_ANCESTORS="https://portal.example.gov.cn").test_client()
    for path in PAGES[:-1]:
        csp = client.get(path, headers={"Accept": "text/html"}).headers["Content-Security-Policy"]
        assert "frame-ancestors https://portal.example.gov.cn" in csp, path


def test_host_header_is_never_reflected(make_app: Any) -> None:
    client = make_app(PUBLIC_URL="https://plan.example.gov.cn").test_client()
    evil = {"Host": "evil.example", "X-Forwarded-Host": "evil2.example"}
    embed = client.get("/embed", headers=evil).get_data(as_text=True)
    assert "https://plan.example.gov.cn/widget.js" in embed and "evil" not in embed
    desc = client.get("/sparql", headers={**evil, "Accept": "text/turtle"}).get_data(as_text=True)
    assert "https://plan.example.gov.cn/sparql" in desc and "evil" not in desc


def test_without_public_url_links_use_the_configured_host_and_port(make_app: Any) -> None:
    client = make_app(HOST="10.1.2.3", PORT=8123).test_client()
    embed = client.get("/embed", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert "http://10.1.2.3:8123/widget.js" in embed and "evil" not in embed


def test_public_url_with_a_path_prefix(make_app: Any) -> None:
    client = make_app(PUBLIC_URL="https://gov.example/plankg/").test_client()
    for path in ("/embed", "/plankg/embed"):  # behind a proxy that strips the prefix, or not
        page = client.get(path).get_data(as_text=True)
        assert "https://gov.example/plankg/widget.js" in page, path


def test_vary_is_merged_on_cors_responses(make_app: Any) -> None:
    client = make_app(CORS_ORIGINS="https://host.example").test_client()
    resp = client.get("/sparql?query=ASK%7B%7D", headers={"Origin": "https://host.example",
                                                          "Accept": "application/sparql-results+json"})
    vary = {v.strip().lower() for v in resp.headers["Vary"].split(",")}
    assert {"accept", "origin"} <= vary, resp.headers["Vary"]
    resp = client.get(f"/id/{PLAN}", headers={"Origin": "https://other.example", "Accept": "text/turtle"})
    assert resp.headers["Vary"] == "Accept"  # /id is not a CORS surface: untouched


def test_forwarded_for_is_trusted_only_with_trusted_proxies(make_app: Any) -> None:
    def statuses(app: Any) -> list[int]:
        client = app.test_client()
        return [client.get("/api/plans", headers={"X-Forwarded-For": f"203.0.113.{i}"},
                           environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code for i in range(3)]

    assert statuses(make_app(RATE_LIMIT="1/minute", TRUSTED_PROXIES=1)) == [200, 200, 200]  # 3 clients
    assert statuses(make_app(RATE_LIMIT="1/minute")) == [200, 429, 429]  # one client, header ignored


def test_worker_share_without_shared_storage(make_app: Any) -> None:
    client = make_app(RATE_LIMIT="4/minute", WORKERS=2).test_client()
    assert [client.get("/api/plans").status_code for _ in range(3)] == [200, 200, 429]


def test_a_limit_below_the_worker_count_stretches_the_window() -> None:
    from webchat.limits import worker_share

    assert worker_share("30/minute;500/hour", 2) == "15/1 minute;250/1 hour"
    assert worker_share("1/minute", 2) == "1/2 minute"  # 2 workers × 1 per 2 minutes ≤ 1 per minute
    assert worker_share("2/minute", 3) == "1/2 minute"


HOSTILE_BODIES = [
    pytest.param('{"question": "规划期限是哪几年？", "top_k": Infinity}', id="infinity"),
    pytest.param('{"question": "规划期限是哪几年？", "top_k": NaN}', id="nan"),
    pytest.param('{"question": "规划期限是哪几年？", "top_k": 1e999}', id="overflow"),
    pytest.param('{"question": "规划期限是哪几年？", "top_k": ' + "9" * 5000 + "}", id="huge-int"),
    pytest.param('{"question": "\\ud800"}', id="lone-surrogate"),
    pytest.param('{"question": "规划\\udfff期限"}', id="lone-low-surrogate"),
    pytest.param('{"question": ' + "[" * 1000 + "]" * 1000 + "}", id="nested-1000"),
    pytest.param(b'{"question": "\xff\xfe"}', id="not-utf8"),
]


@pytest.mark.parametrize("body", HOSTILE_BODIES)
@pytest.mark.parametrize("path", ["/api/ask", "/api/feedback"])
def test_hostile_json_is_400(client: Any, body: str | bytes, path: str) -> None:
    assert_error(client.post(path, data=body, content_type="application/json"), 400)


@pytest.mark.parametrize("path", ["/id/%ff%fe/town/a", f"/id/{PLAN}/town/%ff", "/id/%ff%fe",
                                  f"/id/{PLAN}/town/a%00b", f"/id/{PLAN}/concept/%3Cx%3E"])
def test_bad_entity_paths_are_404(client: Any, path: str) -> None:
    assert_error(client.get(path, headers={"Accept": "application/json"}), 404)


def test_errors_in_english_under_lang_en(client: Any) -> None:
    body = assert_error(client.post("/api/ask?lang=en", json={"question": ""}), 400)
    assert body["error"] == "Please enter a question"
    body = assert_error(client.get("/api/passages/p-nope?lang=en"), 404)
    assert body["error"].startswith("No such passage")
    body = assert_error(client.get("/api/nothing-here?lang=en"), 404)
    assert body["error"] == "Not found"
    body = assert_error(client.post("/api/ask", json={"question": ""}), 400)
    assert body["error"] == "请输入问题"


def _hostile_strings(rng: random.Random, n: int) -> list[str]:
    pieces = ["%ff", "%fe", "%00", "%c0%af", "%ed%a0%80", "..", "%2e%2e%2f", "<script>", "'\"", "\\", "%",
              "%%", "\u202e", "﻿", "𠀀", "~", ";", "%0d%0a", "Set-Cookie:x", "\t", "{}", "%7B%7D"]
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 6))) for _ in range(n)]


def test_fuzz_api_and_id_paths_never_500(client: Any) -> None:
    rng = random.Random(13)
    templates = ["/api/passages/{}", "/api/search?q={}", "/api/search?q=x&k={}", "/api/plans?q={}",
                 "/api/search?plan={}&q=x", "/id/{}", f"/id/{PLAN}/town/{{}}", "/id/{}/section/{}",
                 "/api/{}", "/api/passages/{}/view"]
    failures = []
    for raw in _hostile_strings(rng, 60):
        for t in templates:
            path = t.replace("{}", raw)
            for accept in ("application/json", "text/html", "text/turtle"):
                resp = client.get(path, headers={"Accept": accept})
                if resp.status_code >= 500:
                    failures.append((path, accept, resp.status_code))
                elif resp.status_code >= 400 and resp.mimetype == "application/json":
                    assert set(resp.get_json()) == {"ok", "error", "status"}, path
    assert failures == []


def test_fuzz_json_bodies_never_500(client: Any) -> None:
    rng = random.Random(1013)
    values: list[Any] = [None, True, 0, -1, 1.5, 10**30, "", "x" * 600, [], {}, ["规划"], {"a": 1}, "\u0000",
                         "\u202e规划", "𠀀" * 3]
    failures = []
    for _ in range(120):
        body = {k: rng.choice(values) for k in rng.sample(
            ["question", "plan", "top_k", "lang", "helpful", "comment", "outcome", "sections", "answer"], 4)}
        for path in ("/api/ask", "/api/feedback"):
            resp = client.post(path, data=json.dumps(body), content_type="application/json")
            if resp.status_code >= 500:
                failures.append((path, body, resp.status_code))
    raw_bytes = [bytes(rng.randrange(256) for _ in range(rng.randint(1, 64))) for _ in range(40)]
    for data in raw_bytes:
        for path in ("/api/ask", "/api/feedback"):
            resp = client.post(path, data=data, content_type="application/json")
            if resp.status_code >= 500:
                failures.append((path, data, resp.status_code))
    assert failures == []


def test_quoted_ids_in_passage_url(client: Any) -> None:
    resp = client.get("/api/passages/" + quote("p-\u0000x", safe=""))
    assert resp.status_code == 404
