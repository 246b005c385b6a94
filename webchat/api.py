"""The JSON API under /api (contract in the README and /api/openapi.json)."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, url_for
from werkzeug.exceptions import UnsupportedMediaType

from ingest.errors import BadRequest
from webchat.resources import Build

bp = Blueprint("api", __name__, url_prefix="/api")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028\u2029\u202a-\u202e\ufeff]")


def build() -> Build:
    return current_app.extensions["plankg"].current()


def clean_question(raw: Any) -> str:
    """The question as text: a string, not empty, no control characters, within the length cap."""
    if not isinstance(raw, str):
        raise BadRequest("question 必须是字符串")
    if _CONTROL.search(raw):
        raise BadRequest("问题中含有不允许的控制字符")
    text = raw.strip()
    if not text:
        raise BadRequest("请输入问题")
    cap = int(current_app.config["MAX_QUESTION_CHARS"])
    if len(text) > cap:
        raise BadRequest(f"问题过长：最多 {cap} 个字符")
    return text


def _top_k(raw: Any, default: int = 5, *, from_json: bool = False) -> int:
    if raw is None:
        return default
    if from_json and not isinstance(raw, int | float):  # JSON gives numbers; only query strings parse
        raise BadRequest("top_k/k 必须是 1 到 20 之间的整数")
    try:
        k = int(raw)
    except (TypeError, ValueError):
        raise BadRequest("top_k/k 必须是 1 到 20 之间的整数") from None
    if isinstance(raw, bool) or not 1 <= k <= 20 or (isinstance(raw, float) and raw != k):
        raise BadRequest("top_k/k 必须是 1 到 20 之间的整数")
    return k


def _plan_arg(raw: Any) -> str | None:
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str):
        raise BadRequest("plan 必须是字符串")
    return raw


def passage_url(pid: str) -> str:
    return url_for("api.passage", pid=pid, _external=False)


@bp.post("/ask")
def ask() -> Response:
    if not request.is_json:
        raise UnsupportedMediaType()
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest('请求体必须是 JSON 对象，例如 {"question": "..."}')
    question = clean_question(body.get("question"))
    top_k = _top_k(body.get("top_k"), from_json=True)
    lang = body.get("lang")
    if lang not in (None, "zh", "en"):
        raise BadRequest('lang 只能是 "zh" 或 "en"')
    result = build().ask(question, plan=_plan_arg(body.get("plan")), top_k=top_k, lang=lang)
    for c in [*result["citations"], *result.get("related", [])]:
        c["url"] = passage_url(c["id"])
    return jsonify(result)


@bp.get("/search")
def search() -> Response:
    q = clean_question(request.args.get("q", ""))
    b = build()
    plan = b.check_plan(_plan_arg(request.args.get("plan")))
    hits = b.search(q, _top_k(request.args.get("k")), plan)
    return jsonify({"query": q, "plan": plan, "results": [
        {"id": h.passage.id, "plan": h.passage.plan, "section": h.passage.section,
         "heading": h.passage.heading, "path": list(h.passage.path), "text": h.passage.text,
         "score": round(float(h.score), 6), "url": passage_url(h.passage.id)} for h in hits]})


@bp.get("/passages/<pid>")
def passage(pid: str) -> Response:
    """JSON for JSON clients; the readable page (webchat/passages.py) for browsers navigating here."""
    from webchat import passages

    b = build()
    p = b.passage(pid)
    if passages.wants_html():
        return passages.passage_page(b, p)
    resp = jsonify(passages.passage_json(b, p))
    resp.vary.add("Accept")
    return resp


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{name} 必须是 {low} 到 {high} 之间的整数") from None
    if not low <= value <= high:
        raise BadRequest(f"{name} 必须是 {low} 到 {high} 之间的整数")
    return value


@bp.get("/plans")
def plans() -> Response:
    """Paged, searchable plan list: ``?q=`` (title, id, pinyin, region), ``offset``, ``limit`` (1–100)."""
    q = request.args.get("q", "")
    if len(q) > 100:
        raise BadRequest("q 最多 100 个字符")
    q = _CONTROL.sub("", q)
    offset = _int_arg("offset", 0, 0, 10**9)
    limit = _int_arg("limit", 20, 1, 100)
    page, total = build().catalog.search(q, offset, limit)
    return jsonify({"plans": page, "total": total, "offset": offset, "limit": limit})


@bp.get("/health")
def health() -> Response:
    res = current_app.extensions["plankg"]
    b = res.current()
    return jsonify({"ok": True, "build": b.build_id, "model": b.manifest["model"],
                    "counts": {"plans": len(b.plans), "passages": len(b.passages), "facts": len(b.facts)},
                    "passages": len(b.passages), "default_plan": current_app.config.get("DEFAULT_PLAN") or None,
                    "warning": res.error})
