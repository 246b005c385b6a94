"""Abuse limits: per-client rate limit (RATE_LIMIT), question and body size caps, and the CORS allow-list."""

from __future__ import annotations

from typing import Any

import pytest

ASK = "/api/ask"
QUESTION = {"question": "城镇污水集中处理率要达到多少？"}
ALLOWED = "http://allowed.example:8080"


def assert_error(resp: Any, status: int) -> dict[str, Any]:
    assert resp.status_code == status, resp.get_data(as_text=True)[:300]
    body = resp.get_json()
    assert set(body) == {"ok", "error", "status"}
    assert body["ok"] is False and body["status"] == status and body["error"]
    return body


@pytest.fixture(scope="module")
def limited(make_app: Any) -> Any:
    return make_app(RATE_LIMIT="3/minute", CORS_ORIGINS=ALLOWED)


# ------------------------------------------------------------------------------------ rate limit

def test_fourth_ask_in_a_minute_is_429_with_retry_after(limited: Any) -> None:
    client = limited.test_client()
    env = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(3):
        assert client.post(ASK, json=QUESTION, environ_base=env).status_code == 200
    resp = client.post(ASK, json=QUESTION, environ_base=env)
    assert_error(resp, 429)
    assert int(resp.headers["Retry-After"]) > 0
    # health, the API description and pages are never limited
    for path in ("/api/health", "/api/openapi.json", "/api/docs", "/"):
        for _ in range(5):
            assert client.get(path, environ_base=env).status_code == 200, path


def test_limit_is_per_client(limited: Any) -> None:
    client = limited.test_client()
    for _ in range(3):
        assert client.get("/api/plans", environ_base={"REMOTE_ADDR": "10.0.0.2"}).status_code == 200
    assert_error(client.get("/api/plans", environ_base={"REMOTE_ADDR": "10.0.0.2"}), 429)
    assert client.get("/api/plans", environ_base={"REMOTE_ADDR": "10.0.0.3"}).status_code == 200


def test_limit_covers_every_limited_route(limited: Any) -> None:
    client = limited.test_client()
    env = {"REMOTE_ADDR": "10.0.0.4"}
    paths = ["/api/plans", "/api/search?q=森林公园", "/api/passages/p-000000000000"]
    statuses = [client.get(p, environ_base=env).status_code for p in paths]
    assert statuses == [200, 200, 404]
    for p in paths:
        assert_error(client.get(p, environ_base=env), 429)


def test_429_is_readable_cross_origin(limited: Any) -> None:
    """A widget on an allowed site can read the 429 message (CORS headers on error responses too)."""
    client = limited.test_client()
    env = {"REMOTE_ADDR": "10.0.0.5"}
    headers = {"Origin": ALLOWED}
    for _ in range(3):
        client.get("/api/plans", environ_base=env, headers=headers)
    resp = client.get("/api/plans", environ_base=env, headers=headers)
    assert_error(resp, 429)
    assert resp.headers["Access-Control-Allow-Origin"] == ALLOWED


def test_off_disables_the_limit(make_app: Any) -> None:
    client = make_app(RATE_LIMIT="off").test_client()
    assert all(client.get("/api/plans").status_code == 200 for _ in range(8))


def test_limit_from_environment(make_app: Any, built: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from webchat import create_app

    monkeypatch.setenv("PLANKG_RATE_LIMIT", "2/minute")
    monkeypatch.setenv("PLANKG_WORKERS", "1")
    app = create_app({"DATA_DIR": built["DATA_DIR"], "PLANS_DIR": built["PLANS_DIR"]})
    client = app.test_client()
    assert [client.get("/api/plans").status_code for _ in range(3)] == [200, 200, 429]


def test_apps_do_not_share_counters(make_app: Any) -> None:
    one, two = make_app(RATE_LIMIT="1/minute"), make_app(RATE_LIMIT="1/minute")
    assert one.test_client().get("/api/plans").status_code == 200
    assert one.test_client().get("/api/plans").status_code == 429
    assert two.test_client().get("/api/plans").status_code == 200


# ------------------------------------------------------------------------------------ size caps

def test_question_cap_follows_the_setting(make_app: Any) -> None:
    app = make_app(MAX_QUESTION_CHARS=12)
    client = app.test_client()
    assert client.post(ASK, json={"question": "城镇污水集中处理率要达到多少"[:12]}).status_code == 200
    body = assert_error(client.post(ASK, json={"question": "城镇污水集中处理率要达到多少？"}), 400)
    assert "12" in body["error"]
    doc = client.get("/api/openapi.json").get_json()
    assert doc["components"]["schemas"]["AskRequest"]["properties"]["question"]["maxLength"] == 12


def test_default_question_cap(client: Any) -> None:
    assert client.post(ASK, json={"question": "城" * 500}).status_code == 200
    assert_error(client.post(ASK, json={"question": "城" * 501}), 400)


def test_body_cap_is_413_in_json(make_app: Any) -> None:
    client = make_app(MAX_CONTENT_LENGTH=1000).test_client()
    assert client.post(ASK, json={"question": "森林公园", "pad": "x" * 800}).status_code == 200
    assert_error(client.post(ASK, json={"question": "森林公园", "pad": "x" * 1200}), 413)


# ------------------------------------------------------------------------------------ CORS

def test_allowed_origin_gets_cors_headers(limited: Any) -> None:
    resp = limited.test_client().post(ASK, json=QUESTION, headers={"Origin": ALLOWED},
                                      environ_base={"REMOTE_ADDR": "10.0.1.1"})
    assert resp.status_code == 200
    assert resp.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "Origin" in resp.headers["Vary"]
    assert "Access-Control-Allow-Credentials" not in resp.headers


@pytest.mark.parametrize("origin", [
    "http://evil.example",
    "http://allowed.example",  # same host, other port
    "https://allowed.example:8080",  # other scheme
    "http://allowed.example:8080.evil.example",
    "null",
])
def test_other_origins_get_no_cors_headers(limited: Any, origin: str) -> None:
    resp = limited.test_client().post(ASK, json=QUESTION, headers={"Origin": origin},
                                      environ_base={"REMOTE_ADDR": "10.0.1.2"})
    assert "Access-Control-Allow-Origin" not in resp.headers


def test_default_is_same_origin_only(client: Any) -> None:
    resp = client.post(ASK, json=QUESTION, headers={"Origin": ALLOWED})
    assert resp.status_code == 200
    assert "Access-Control-Allow-Origin" not in resp.headers


def test_preflight_for_allowed_origin(limited: Any) -> None:
    client = limited.test_client()
    headers = {"Origin": ALLOWED, "Access-Control-Request-Method": "POST",
               "Access-Control-Request-Headers": "content-type"}
    # preflights are not counted against the limit: more than 3 all succeed
    for _ in range(5):
        resp = client.options(ASK, headers=headers, environ_base={"REMOTE_ADDR": "10.0.1.3"})
        assert resp.status_code in (200, 204)
        assert resp.headers["Access-Control-Allow-Origin"] == ALLOWED
        assert "POST" in resp.headers["Access-Control-Allow-Methods"]
        assert "content-type" in resp.headers["Access-Control-Allow-Headers"].lower()


def test_preflight_for_other_origin_is_not_allowed(limited: Any) -> None:
    resp = limited.test_client().options(ASK, headers={
        "Origin": "http://evil.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert "Access-Control-Allow-Origin" not in resp.headers
    assert "Access-Control-Allow-Methods" not in resp.headers


def test_cors_is_only_for_api_and_sparql(limited: Any) -> None:
    resp = limited.test_client().get("/", headers={"Origin": ALLOWED})
    assert "Access-Control-Allow-Origin" not in resp.headers


def test_sparql_follows_the_same_allow_list(make_app: Any) -> None:
    client = make_app(CORS_ORIGINS=ALLOWED).test_client()
    query = {"query": "ASK { ?s ?p ?o }"}
    ok = client.get("/sparql", query_string=query, headers={"Origin": ALLOWED, "Accept": "application/sparql-results+json"})
    assert ok.status_code == 200 and ok.headers["Access-Control-Allow-Origin"] == ALLOWED
    other = client.get("/sparql", query_string=query,
                       headers={"Origin": "http://evil.example", "Accept": "application/sparql-results+json"})
    assert other.status_code == 200 and "Access-Control-Allow-Origin" not in other.headers
    pre = client.options("/sparql", headers={"Origin": ALLOWED, "Access-Control-Request-Method": "POST",
                                            "Access-Control-Request-Headers": "content-type"})
    assert pre.headers["Access-Control-Allow-Origin"] == ALLOWED and "POST" in pre.headers["Access-Control-Allow-Methods"]
