"""One JSON error shape: ``{"ok": false, "error": "...", "status": N}``."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from ingest.errors import PlankgError

log = logging.getLogger("plankg")

_MESSAGES = {
    400: "请求格式不正确",
    404: "没有找到",
    405: "不支持该请求方法",
    413: "请求内容过大",
    415: "不支持的内容类型",
    429: "请求过于频繁，请稍后再试",
}


def error_response(message: str, status: int) -> Response:
    resp = jsonify({"ok": False, "error": message, "status": status})
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
        resp = error_response(_MESSAGES.get(status, exc.name), status)
        if status == 405 and exc.valid_methods:  # type: ignore[attr-defined]
            resp.headers["Allow"] = ", ".join(exc.valid_methods)  # type: ignore[attr-defined]
        if status == 429:
            resp.headers["Retry-After"] = str(getattr(exc, "retry_after", None) or 60)
        return resp

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.path)
        return error_response("服务器内部错误", 500)
