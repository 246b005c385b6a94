"""One JSON error shape: ``{"ok": false, "error": "...", "status": N}``, in Chinese or (``?lang=en``) English."""

from __future__ import annotations

import logging
import re

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from ingest.errors import PlankgError

log = logging.getLogger("plankg")

_MESSAGES = {
    400: ("请求格式不正确", "Malformed request"),
    404: ("没有找到", "Not found"),
    405: ("不支持该请求方法", "Method not allowed"),
    413: ("请求内容过大", "Request too large"),
    415: ("不支持的内容类型", "Unsupported content type"),
    429: ("请求过于频繁，请稍后再试", "Too many requests, please try again later"),
    500: ("服务器内部错误", "Internal server error"),
    503: ("服务暂时不可用", "Service unavailable"),
}

# Chinese messages raised by the service and their English forms ({0} = the captured detail).
_ENGLISH = [
    (re.compile(r"^question 必须是字符串$"), "question must be a string"),
    (re.compile(r"^问题中含有不允许的控制字符$"), "The question contains control characters"),
    (re.compile(r"^请输入问题$"), "Please enter a question"),
    (re.compile(r"^问题过长：最多 (\d+) 个字符$"), "The question is too long: at most {0} characters"),
    (re.compile(r"^top_k/k 必须是 1 到 20 之间的整数$"), "top_k/k must be an integer from 1 to 20"),
    (re.compile(r"^plan 必须是字符串$"), "plan must be a string"),
    (re.compile(r"^请求体必须是 JSON 对象"), 'The body must be a JSON object, e.g. {{"question": "..."}}'),
    (re.compile(r"^未知的规划：(.*)$"), "Unknown plan: {0}"),
    (re.compile(r"^没有这个段落：(.*)$"), "No such passage: {0}"),
]


def english() -> bool:
    """``?lang=en`` asks for English errors; otherwise an Accept-Language preferring English."""
    lang = request.args.get("lang")
    if lang:
        return lang == "en"
    return request.accept_languages.best_match(["zh", "en"]) == "en"


def localise(message: str, status: int) -> str:
    if not english():
        return message
    if " / " in message:  # already bilingual: "中文 / English"
        return message.split(" / ", 1)[1]
    for pattern, template in _ENGLISH:
        m = pattern.search(message)
        if m:
            return template.format(*m.groups())
    return _MESSAGES.get(status, ("", "Request failed"))[1]


def error_response(message: str, status: int) -> Response:
    resp = jsonify({"ok": False, "error": localise(message, status), "status": status})
    resp.status_code = status
    return resp


def _wants_json() -> bool:
    path = request.path
    accept = request.accept_mimetypes
    return (path.startswith(("/api", "/sparql")) or request.is_json
            or accept.best == "application/json" or not accept.accept_html)


def init_app(app: Flask) -> None:
    @app.errorhandler(PlankgError)
    def _plankg(exc: PlankgError) -> Response:
        resp = error_response(exc.message, exc.status)
        retry = getattr(exc, "retry_after", None)
        if retry:
            resp.headers["Retry-After"] = str(retry)
        return resp

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response | BaseResponse:
        status = exc.code or 500
        if not _wants_json():
            return exc.get_response()
        resp = error_response(_MESSAGES.get(status, (exc.name, exc.name))[0], status)
        if status == 405 and exc.valid_methods:  # type: ignore[attr-defined]
            resp.headers["Allow"] = ", ".join(exc.valid_methods)  # type: ignore[attr-defined]
        if status == 429:
            resp.headers["Retry-After"] = str(getattr(exc, "retry_after", None) or 60)
        return resp

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.path)
        return error_response(_MESSAGES[500][0], 500)
