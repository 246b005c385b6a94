"""Every error path of /api answers with the one shape ``{"ok": false, "error": str, "status": int}``
(Datasette-style walk), and unexpected exceptions stay 500 and are logged."""

from __future__ import annotations

import logging
from typing import Any

import pytest

PLAN = "pingquan-2021-2035"
ASK = "/api/ask"


def assert_error(resp: Any, status: int) -> dict[str, Any]:
    assert resp.status_code == status, resp.get_data(as_text=True)[:300]
    assert resp.mimetype == "application/json"
    body = resp.get_json()
    assert set(body) == {"ok", "error", "status"}
    assert body["ok"] is False and body["status"] == status
    assert isinstance(body["error"], str) and body["error"].strip()
    return body


def _json(payload: Any) -> dict[str, Any]:
    return {"json": payload}


# (method, path, request kwargs, status): every way a client can get an API call wrong.
ERROR_PATHS = [
    pytest.param("POST", ASK, {"data": "question=x", "content_type": "application/x-www-form-urlencoded"},
                 415, id="ask-form-encoded"),
    pytest.param("POST", ASK, {"data": "城镇污水", "content_type": "text/plain; charset=utf-8"}, 415,
                 id="ask-text-plain"),
    pytest.param("POST", ASK, {}, 415, id="ask-no-body"),
    pytest.param("POST", ASK, {"data": "{not json", "content_type": "application/json"}, 400,
                 id="ask-malformed-json"),
    pytest.param("POST", ASK, {"data": b"\xff\xfe", "content_type": "application/json"}, 400,
                 id="ask-not-utf8"),
    pytest.param("POST", ASK, _json(["城镇污水集中处理率"]), 400, id="ask-json-array"),
    pytest.param("POST", ASK, _json("城镇污水集中处理率"), 400, id="ask-json-string"),
    pytest.param("POST", ASK, {"data": "null", "content_type": "application/json"}, 400, id="ask-json-null"),
    pytest.param("POST", ASK, _json({}), 400, id="ask-no-question"),
    pytest.param("POST", ASK, _json({"question": 42}), 400, id="ask-question-int"),
    pytest.param("POST", ASK, _json({"question": ["a"]}), 400, id="ask-question-list"),
    pytest.param("POST", ASK, _json({"question": None}), 400, id="ask-question-null"),
    pytest.param("POST", ASK, _json({"question": ""}), 400, id="ask-question-empty"),
    pytest.param("POST", ASK, _json({"question": " \t\n\u3000"}), 400, id="ask-question-blank"),
    pytest.param("POST", ASK, _json({"question": "城镇\x00污水"}), 400, id="ask-nul"),
    pytest.param("POST", ASK, _json({"question": "城镇\x1b[31m污水"}), 400, id="ask-escape"),
    pytest.param("POST", ASK, _json({"question": "城镇\u200b污水"}), 400, id="ask-zero-width"),
    pytest.param("POST", ASK, _json({"question": "城镇\u202e污水"}), 400, id="ask-bidi-override"),
    pytest.param("POST", ASK, _json({"question": "城" * 501}), 400, id="ask-too-long"),
    pytest.param("POST", ASK, _json({"question": "城镇", "top_k": 0}), 400, id="ask-top-k-zero"),
    pytest.param("POST", ASK, _json({"question": "城镇", "top_k": 21}), 400, id="ask-top-k-big"),
    pytest.param("POST", ASK, _json({"question": "城镇", "top_k": "5"}), 400, id="ask-top-k-string"),
    pytest.param("POST", ASK, _json({"question": "城镇", "top_k": True}), 400, id="ask-top-k-bool"),
    pytest.param("POST", ASK, _json({"question": "城镇", "top_k": 2.5}), 400, id="ask-top-k-float"),
    pytest.param("POST", ASK, _json({"question": "城镇", "plan": 7}), 400, id="ask-plan-int"),
    pytest.param("POST", ASK, _json({"question": "城镇", "plan": "no-such-plan"}), 404, id="ask-unknown-plan"),
    pytest.param("POST", ASK, _json({"question": "城" * 70000}), 413, id="ask-body-too-large"),
    pytest.param("GET", ASK, {}, 405, id="ask-get"),
    pytest.param("GET", "/api/search", {}, 400, id="search-no-q"),
    pytest.param("GET", "/api/search?q=%20", {}, 400, id="search-blank-q"),
    pytest.param("GET", "/api/search?q=a%00b", {}, 400, id="search-nul"),
    pytest.param("GET", "/api/search?q=" + "城" * 501, {}, 400, id="search-too-long"),
    pytest.param("GET", "/api/search?q=城镇&k=abc", {}, 400, id="search-k-text"),
    pytest.param("GET", "/api/search?q=城镇&k=0", {}, 400, id="search-k-zero"),
    pytest.param("GET", "/api/search?q=城镇&plan=no-such-plan", {}, 404, id="search-unknown-plan"),
    pytest.param("POST", "/api/search?q=城镇", {}, 405, id="search-post"),
    pytest.param("GET", "/api/passages/p-000000000000", {}, 404, id="passage-unknown"),
    pytest.param("GET", "/api/passages/%3Cscript%3E", {}, 404, id="passage-markup"),
    pytest.param("DELETE", "/api/plans", {}, 405, id="plans-delete"),
    pytest.param("GET", "/api/no-such-route", {}, 404, id="api-unknown-route"),
    pytest.param("GET", "/api/", {}, 404, id="api-root"),
]


@pytest.mark.parametrize(("method", "path", "kwargs", "status"), ERROR_PATHS)
def test_error_shape(client: Any, method: str, path: str, kwargs: dict[str, Any], status: int) -> None:
    body = assert_error(client.open(path, method=method, **kwargs), status)
    assert "Traceback" not in body["error"]


def test_405_names_allowed_methods(client: Any) -> None:
    resp = client.get(ASK)
    assert_error(resp, 405)
    assert "POST" in resp.headers["Allow"]


def test_pages_outside_api_keep_html_errors(client: Any) -> None:
    resp = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert resp.status_code == 404
    assert resp.mimetype == "text/html"


@pytest.fixture(scope="module")
def empty_app(tmp_path_factory: pytest.TempPathFactory, built: Any) -> Any:
    """An app whose DATA_DIR holds no build: everything that needs one answers 503."""
    from webchat import create_app

    empty = tmp_path_factory.mktemp("empty-var")
    return create_app({"DATA_DIR": str(empty), "PLANS_DIR": built["PLANS_DIR"], "RATE_LIMIT": "off"})


@pytest.mark.parametrize(("method", "path", "kwargs"), [
    pytest.param("GET", "/api/health", {}, id="health"),
    pytest.param("GET", "/api/plans", {}, id="plans"),
    pytest.param("POST", ASK, _json({"question": "城镇污水集中处理率要达到多少？"}), id="ask"),
    pytest.param("GET", "/api/search?q=城镇", {}, id="search"),
    pytest.param("GET", "/api/passages/p-000000000000", {}, id="passage"),
])
def test_no_build_is_503(empty_app: Any, method: str, path: str, kwargs: dict[str, Any]) -> None:
    body = assert_error(empty_app.test_client().open(path, method=method, **kwargs), 503)
    assert "ingest" in body["error"]


@pytest.fixture(scope="module")
def boom_app(built: Any) -> Any:
    """A fresh app with two extra routes that fail: one with a bug, one with a user-facing error."""
    from ingest.errors import NotFound
    from webchat import create_app

    app = create_app({"DATA_DIR": built["DATA_DIR"], "PLANS_DIR": built["PLANS_DIR"], "RATE_LIMIT": "off"})

    def bug() -> Any:
        raise ValueError("secret internal detail /etc/passwd")

    def missing() -> Any:
        raise NotFound("没有这个东西")

    app.add_url_rule("/api/_test/bug", "test_bug", bug)
    app.add_url_rule("/api/_test/missing", "test_missing", missing)
    return app


def test_unexpected_exception_stays_500_and_is_logged(boom_app: Any, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="plankg"):
        resp = boom_app.test_client().get("/api/_test/bug")
    body = assert_error(resp, 500)
    assert "secret" not in body["error"] and "passwd" not in body["error"]
    logged = [r for r in caplog.records if r.name == "plankg" and r.levelno >= logging.ERROR]
    assert logged, "the 500 was not logged"
    assert logged[0].exc_info is not None and isinstance(logged[0].exc_info[1], ValueError)
    assert "/api/_test/bug" in logged[0].getMessage()


def test_plankg_error_keeps_its_status_and_message(boom_app: Any) -> None:
    body = assert_error(boom_app.test_client().get("/api/_test/missing"), 404)
    assert body["error"] == "没有这个东西"


def test_error_paths_cover_every_documented_status(client: Any) -> None:
    """The walk above reaches every error status the OpenAPI document promises (429 in test_limits)."""
    doc = client.get("/api/openapi.json").get_json()
    documented = {int(s) for item in doc["paths"].values() for op in item.values()
                  for s in op["responses"] if not s.startswith("2")}
    walked = {p.values[3] for p in ERROR_PATHS} | {503, 429}
    assert documented <= walked, documented - walked

