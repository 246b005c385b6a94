"""The OpenAPI document: valid 3.1, in step with the app's /api routes, rendered as a page without
scripts or CDNs, and true to the app under schemathesis fuzzing (no 5xx, responses as documented)."""

from __future__ import annotations

import re
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from webchat.openapi import document

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _api_routes(app: Any) -> set[tuple[str, str]]:
    out = set()
    for rule in app.url_map.iter_rules():
        if rule.rule == "/api" or rule.rule.startswith("/api/"):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            out |= {(m, path) for m in rule.methods - IGNORED_METHODS}
    return out


def _documented(doc: dict[str, Any]) -> set[tuple[str, str]]:
    return {(m.upper(), path) for path, item in doc["paths"].items() for m in item}


@pytest.fixture(scope="module")
def doc(app: Any) -> dict[str, Any]:
    resp = app.test_client().get("/api/openapi.json")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    return resp.get_json()


def test_document_is_valid_openapi_31(doc: dict[str, Any]) -> None:
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

    assert doc["openapi"].startswith("3.1")
    validate(doc)
    broken = {**doc, "paths": {"/api/ask": {"post": {"responses": {"200": {}}}}}}
    with pytest.raises(OpenAPIValidationError):  # the validator does reject a bad document
        validate(broken)


def test_every_api_route_is_documented_and_vice_versa(app: Any, doc: dict[str, Any]) -> None:
    routes = _api_routes(app)
    assert ("POST", "/api/ask") in routes and ("GET", "/api/passages/{pid}") in routes
    assert routes == _documented(doc)


def test_every_error_response_has_the_error_shape(doc: dict[str, Any]) -> None:
    error = doc["components"]["schemas"]["Error"]
    assert error["required"] == ["ok", "error", "status"]
    assert error["properties"]["ok"] == {"const": False}
    for name, resp in doc["components"]["responses"].items():
        assert resp["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}, name
    statuses = {s for item in doc["paths"].values() for op in item.values() for s in op["responses"]}
    assert {"400", "404", "413", "415", "429", "503"} <= statuses
    too_many = doc["components"]["responses"]["TooManyRequests"]
    assert "Retry-After" in too_many["headers"]


def test_server_follows_script_root(app: Any) -> None:
    doc = app.test_client().get("/api/openapi.json", base_url="http://localhost/plankg/").get_json()
    assert doc["servers"] == [{"url": "/plankg"}]


def test_docs_page_is_rendered_from_the_document(client: Any, doc: dict[str, Any]) -> None:
    resp = client.get("/api/docs")
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    html = resp.get_data(as_text=True)
    for method, path in _documented(doc):
        assert f"{method} {path}" in html
    for name in doc["components"]["schemas"]:
        assert f'id="schema-{name}"' in html
    assert "Retry-After" in html and "MAX_CONTENT_LENGTH" in html
    # self-contained: no scripts at all, and every stylesheet/link target on this server
    assert "<script" not in html
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)
    assert "script-src 'none'" in resp.headers["Content-Security-Policy"]


# ----------------------------------------------------------------------------------- fuzzing

# Loaded from the pure ``document()`` at import (no app needed); the test below checks it is exactly
# the document the session app serves. (schemathesis.pytest.from_fixture breaks on pytest 9.2.)
schema = schemathesis.openapi.from_dict(document())


def test_fuzzed_document_is_the_served_one(doc: dict[str, Any]) -> None:
    assert doc == document()


@schema.parametrize()
@settings(max_examples=50, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_fuzz_api(case: Any, app: Any) -> None:
    """Generated requests, valid and invalid: no 5xx, and every response as the document says
    (status code, content type, body schema, Retry-After ...)."""
    response = case.call_and_validate(app=app)
    assert response.status_code < 500
