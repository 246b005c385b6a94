"""The API contract as an OpenAPI 3.1 document (``/api/openapi.json``) and a readable page (``/api/docs``).

The document is written by hand next to the views it describes; a test checks that every ``/api``
route of the app is in it and every path in it is a route, and schemathesis fuzzes the app with it.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request

bp = Blueprint("openapi", __name__, url_prefix="/api")

JSON = "application/json"

# status -> (component name, description); every error body has the one shape ``Error``.
ERRORS: dict[int, tuple[str, str]] = {
    400: ("BadRequest", "The request is malformed: not a JSON object, a field of the wrong type, an empty "
          "question, control characters, a question over the length cap, or a bad `k`/`top_k`."),
    404: ("NotFound", "Unknown plan or passage id (or no such route)."),
    413: ("PayloadTooLarge", "The request body is larger than `MAX_CONTENT_LENGTH` bytes."),
    415: ("UnsupportedMediaType", "The body is not sent as `Content-Type: application/json`."),
    429: ("TooManyRequests", "The per-client rate limit (`RATE_LIMIT`) is exhausted; retry after "
          "`Retry-After` seconds."),
    503: ("Unavailable", "No usable build is being served (run `plankg ingest`)."),
}

# Not blank, and none of the control/format characters ``api.clean_question`` rejects.
_CTRL = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028\u2029\u202a-\u202e\ufeff"
QUESTION_PATTERN = rf"^[^{_CTRL}]*[^{_CTRL}\s\x85][^{_CTRL}]*$"

_str = {"type": "string"}
_str_list = {"type": "array", "items": _str}
_nullable_str = {"type": ["string", "null"]}
_int = {"type": "integer"}


def _obj(props: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": required or list(props)}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def schemas(max_question: int) -> dict[str, Any]:
    """The JSON Schemas (2020-12 dialect, as OpenAPI 3.1 uses) of request and response bodies."""
    question = {"type": "string", "minLength": 1, "maxLength": max_question, "pattern": QUESTION_PATTERN,
                "description": f"The question, at most {max_question} characters; no control characters."}
    plan = {"type": ["string", "null"], "description": "A plan id from `/api/plans`; null or absent: all plans."}
    passage_fields = {"id": {**_str, "description": "Passage id (a content hash, stable across rebuilds)."},
                      "plan": _str, "section": {**_nullable_str, "description": "Nearest numbered section."},
                      "heading": _str, "path": {**_str_list, "description": "Heading trail."}, "text": _str}
    return {
        "Error": {**_obj({"ok": {"const": False}, "error": {**_str, "description": "Message (Chinese)."},
                          "status": {**_int, "description": "The HTTP status, repeated."}}),
                  "description": "The one error shape of every /api route."},
        "AskRequest": _obj({"question": question, "plan": plan,
                            "top_k": {"type": ["integer", "null"], "minimum": 1, "maximum": 20,
                                      "default": 5, "description": "Passages searched; null: 5."},
                            "lang": {"enum": ["zh", "en", None], "description": "Language of the system's own "
                                     "sentences (declines, not stated, clarify); default: the question's."}},
                           ["question"]),
        "Citation": _obj({**passage_fields,
                          "pages": {"type": "array", "items": _int, "description": "PDF pages (empty otherwise)."},
                          "quote": {**_str, "description": "The sentence the answer relies on, verbatim."},
                          "url": {**_str, "description": "This passage under `/api/passages/{id}`."}}),
        "Entity": _obj({"iri": {**_str, "format": "iri"}, "label": _str, "kind": _str}),
        "AskResponse": _obj({
            "question": _str,
            "plan": {**_nullable_str, "description": "The plan answered from (a plan the question names, "
                     "else the requested plan, else the only plan); null when asking back."},
            "answered": {"type": "boolean", "description": "False for not_stated, declined and clarify."},
            "answer": _str,
            "mode": {"enum": ["graph", "extractive", "not_stated", "declined", "clarify"], "description":
                     "graph: from the knowledge graph's facts; extractive: a quote of the text; not_stated: the "
                     "plan covers the topic but does not state what was asked (the answer says what it does "
                     "state, cited); declined: the plan does not cover it (`related` lists possibly related "
                     "passages, not a basis); clarify: several plans fit and the question does not say which "
                     "(`plans` lists the candidates)."},
            "confidence": {"type": "number", "description": "Fitted score of the chosen answer (0..1)."},
            "citations": {"type": "array", "items": _ref("Citation")},
            "related": {"type": "array", "items": _ref("Citation"),
                        "description": "Possibly related passages (declined and not_stated answers)."},
            "plans": {"type": "array", "items": _obj({"id": _str, "title": _str}),
                      "description": "The plans to choose from (mode clarify)."},
            "entities": {"type": "array", "items": _ref("Entity")}}),
        "SearchHit": _obj({**passage_fields, "score": {"type": "number"}, "url": _str}),
        "SearchResponse": _obj({"query": _str, "plan": _nullable_str,
                                "results": {"type": "array", "items": _ref("SearchHit")}}),
        "Passage": _obj({**passage_fields,
                         "start": {**_int, "description": "Character offset in the plan text."},
                         "end": {**_int, "description": "End offset (exclusive)."}}),
        "Plan": _obj({"id": _str, "title": _str, "publisher": _str, "issued": _str,
                      "period": {"type": "array", "items": {"type": ["integer", "null"]},
                                 "minItems": 2, "maxItems": 2},
                      "level": {**_str, "description": "Administrative level of the plan (empty when unknown)."},
                      "region": {**_str, "description": "Region the plan covers, province → village (empty when unknown)."}}),
        "Plans": _obj({"plans": {"type": "array", "items": _ref("Plan")},
                       "total": {**_int, "description": "Plans matching `q` in all (not only this page)."},
                       "offset": _int, "limit": _int}),
        "FeedbackRequest": _obj(
            {"question": question, "helpful": {"type": "boolean"}, "plan": {**plan, "maxLength": 200},
             "outcome": {"type": ["string", "null"], "maxLength": 20, "description": "The answer's `mode`."},
             "comment": {"type": ["string", "null"], "maxLength": 1000},
             "sections": {"type": ["array", "null"], "items": _str, "description": "Cited sections."}},
            ["question", "helpful"]),
        "FeedbackStored": _obj({"ok": {"const": True}}),
        "Health": _obj({"ok": {"const": True}, "build": _str, "model": _str,
                        "counts": _obj({"plans": _int, "passages": _int, "facts": _int}),
                        "passages": _int, "default_plan": _nullable_str,
                        "warning": {**_nullable_str, "description": "Set when a newer build failed to load."}}),
    }


def _error_responses() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for status, (name, text) in ERRORS.items():
        resp: dict[str, Any] = {"description": text, "content": {JSON: {"schema": _ref("Error")}}}
        if status == 429:
            resp["headers"] = {"Retry-After": {"description": "Seconds to wait.", "schema": _int}}
        out[name] = resp
    return out


def _ok(schema: str, text: str) -> dict[str, Any]:
    return {"200": {"description": text, "content": {JSON: {"schema": _ref(schema)}}}}


def _errs(*statuses: int) -> dict[str, Any]:
    return {str(s): {"$ref": f"#/components/responses/{ERRORS[s][0]}"} for s in statuses}


def _op(op_id: str, summary: str, responses: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"operationId": op_id, "summary": summary, "tags": [extra.pop("tag", "api")],
            "responses": responses, **extra}


def _query(name: str, schema: dict[str, Any], text: str, required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": text}


def paths(max_question: int) -> dict[str, Any]:
    limited = (429, 503)
    return {
        "/api/ask": {"post": _op(
            "ask", "Answer a question from the plan text, with citations",
            {**_ok("AskResponse", "The answer (or an honest decline, `answered: false`)."),
             **_errs(400, 404, 413, 415, *limited)},
            description="Answers come from the knowledge graph when the question asks for its facts, "
                        "else from quoted sentences of the best passages. Every number in an answer "
                        "occurs verbatim in a cited passage.",
            requestBody={"required": True, "content": {JSON: {"schema": _ref("AskRequest"), "example": {
                "question": "城镇污水集中处理率要达到多少？", "plan": "pingquan-2021-2035"}}}})},
        "/api/search": {"get": _op(
            "search", "Hybrid (BM25 + dense) passage search",
            {**_ok("SearchResponse", "Passages, best first."), **_errs(400, 404, *limited)},
            parameters=[
                _query("q", {"type": "string", "minLength": 1, "maxLength": max_question,
                                  "pattern": QUESTION_PATTERN},
                       "The query text.", required=True),
                _query("k", {"type": "integer", "minimum": 1, "maximum": 20, "default": 5},
                       "Number of passages."),
                _query("plan", _str, "Only this plan.")])},
        "/api/passages/{pid}": {"get": _op(
            "passage", "One passage, verbatim, with its offsets in the plan text",
            {**_ok("Passage", "The passage."), **_errs(404, *limited)},
            parameters=[{"name": "pid", "in": "path", "required": True, "schema": _str,
                         "description": "Passage id, as in a citation."}])},
        "/api/feedback": {"post": _op(
            "feedback", "👍/👎 (and an optional comment) on one answer; phone and ID numbers masked, no IP",
            {"201": {"description": "Stored.", "content": {JSON: {"schema": _ref("FeedbackStored")}}},
             **_errs(400, 413, 415, *limited)},
            requestBody={"required": True, "content": {JSON: {"schema": _ref("FeedbackRequest")}}})},
        "/api/plans": {"get": _op(
            "plans", "The plans being served: searchable (title, id, pinyin, region) and paged",
            {**_ok("Plans", "One page of plan metadata, in plan id order."), **_errs(400, *limited)},
            parameters=[
                _query("q", {"type": "string", "maxLength": 100}, "Substring of the title, id, region, "
                       "the title's pinyin (`pingquan`) or its initials (`pqs`); empty: every plan."),
                _query("offset", {"type": "integer", "minimum": 0, "maximum": 10**9, "default": 0}, "Plans to skip."),
                _query("limit", {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
                       "Plans per page.")])},
        "/api/health": {"get": _op(
            "health", "Build and model being served (not rate limited)",
            {**_ok("Health", "Serving."), **_errs(503)}, tag="meta")},
        "/api/openapi.json": {"get": _op(
            "openapi", "This document", {"200": {"description": "OpenAPI 3.1 document.",
                                                 "content": {JSON: {"schema": {"type": "object"}}}}},
            tag="meta")},
        "/api/docs": {"get": _op(
            "docs", "This document as a readable page", {"200": {"description": "HTML page.",
                                                                 "content": {"text/html": {"schema": _str}}}},
            tag="meta")},
    }


def document(max_question: int = 500, server: str = "/") -> dict[str, Any]:
    """The OpenAPI 3.1 document of the ``/api`` routes."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "plankg API",
            "version": "1.0.0",
            "summary": "Cited question answering over territorial spatial master plans.",
            "description": (
                "JSON over HTTP. Errors always have the shape `{\"ok\": false, \"error\": \"...\", "
                "\"status\": N}`. Every route but `/api/health`, `/api/openapi.json` and `/api/docs` is "
                "rate limited per client (setting `RATE_LIMIT`; a 429 carries `Retry-After`). Browsers on "
                "other sites may call the API only from the origins listed in `CORS_ORIGINS`."),
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
        },
        "servers": [{"url": server}],
        "tags": [{"name": "api", "description": "Questions, search and passages."},
                 {"name": "meta", "description": "Service state and this description."}],
        "paths": paths(max_question),
        "components": {"schemas": schemas(max_question), "responses": _error_responses()},
    }


def _current() -> dict[str, Any]:
    return document(int(current_app.config["MAX_QUESTION_CHARS"]), request.script_root or "/")


@bp.get("/openapi.json")
def openapi_json() -> Response:
    return jsonify(_current())


def _rows(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per operation, with its parameters, body schema name and responses, for the page."""
    rows = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            body = op.get("requestBody", {}).get("content", {}).get(JSON, {})
            responses = []
            for status, r in op["responses"].items():
                if "$ref" in r:
                    r = doc["components"]["responses"][r["$ref"].rsplit("/", 1)[1]]
                content: dict[str, Any] = r.get("content", {})
                media: dict[str, Any] = next(iter(content.values()), {})
                schema = media.get("schema", {})
                responses.append({"status": status, "description": r["description"],
                                  "schema": schema.get("$ref", "").rsplit("/", 1)[-1]})
            rows.append({"method": method.upper(), "path": path, "op": op, "responses": responses,
                         "body": body.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1],
                         "example": body.get("example")})
    return rows


@bp.get("/docs")
def docs() -> Response:
    doc = _current()
    html = render_template("api_docs.html", doc=doc, operations=_rows(doc),
                           schemas=doc["components"]["schemas"])
    resp = Response(html, mimetype="text/html")
    resp.headers["Content-Security-Policy"] = (
        "default-src 'self'; style-src 'self'; script-src 'none'; frame-ancestors 'self'")
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp
