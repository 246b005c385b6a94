"""Residents' feedback and the staff report.

``POST /api/feedback`` stores 👍/👎 (and an optional comment) per answer; declined and "not stated"
answers of ``POST /api/ask`` are recorded too (no vote), so staff see what the plan does not answer.
Stored in SQLite under the data directory (``DATA_DIR/feedback.sqlite3``, beside the builds, so it
survives rebuilds): question, plan, outcome, cited sections, time. Phone and ID numbers are masked
before storage; no IP address, cookie or user agent is stored.
``plankg report`` and ``/staff/report`` (``STAFF_TOKEN``) group declined and unhelpful questions by plan
and nearest section, with counts.
"""

from __future__ import annotations

import hmac
import json
import re
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, render_template, request
from werkzeug.exceptions import UnsupportedMediaType

from ingest.errors import BadRequest, NotFound

bp = Blueprint("feedback", __name__)

UNANSWERED = ("declined", "not_stated")
MAX_COMMENT = 1000
_ID_NUMBER = re.compile(r"(?<!\d)(\d{6})(?:19|20)\d{2}(?:0[1-9]|1[0-2])\d{2}\d{3}[\dXx](?![\dXx])|(?<!\d)\d{15}(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}[- ]?\d{7,8}(?!\d)")

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time TEXT NOT NULL,
  kind TEXT NOT NULL,            -- 'vote' (resident feedback) or 'ask' (an unanswered question)
  question TEXT NOT NULL,
  plan TEXT,
  outcome TEXT,
  helpful INTEGER,               -- 1, 0, or NULL for 'ask' records
  comment TEXT,
  sections TEXT NOT NULL         -- JSON list of cited section numbers/headings, nearest first
)"""


def mask(text: str) -> str:
    """Phone and ID numbers replaced before anything is stored."""
    text = _ID_NUMBER.sub("[身份证号]", text)
    text = _MOBILE.sub("[电话]", text)
    return _LANDLINE.sub("[电话]", text)


def db_path(config: Any) -> Path:
    return Path(config["DATA_DIR"]) / "feedback.sqlite3"


def connect(config: Any) -> sqlite3.Connection:
    path = db_path(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=10)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute(SCHEMA)
    return con


def store(config: Any, kind: str, question: str, plan: str | None, outcome: str | None,
          helpful: bool | None, comment: str | None, sections: list[str]) -> None:
    row = (time.strftime("%Y-%m-%dT%H:%M:%S%z"), kind, mask(question), plan, outcome,
           None if helpful is None else int(helpful), mask(comment) if comment else None,
           json.dumps([mask(s) for s in sections], ensure_ascii=False))
    with connect(config) as con:
        con.execute("INSERT INTO feedback (time, kind, question, plan, outcome, helpful, comment, sections) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row)
    con.close()


# ---------------------------------------------------------------- the API view


def _text(body: dict[str, Any], key: str, cap: int, *, required: bool = False) -> str | None:
    value = body.get(key)
    if value is None or value == "":
        if required:
            raise BadRequest(f"缺少 {key}")
        return None
    if not isinstance(value, str):
        raise BadRequest(f"{key} 必须是字符串")
    if len(value) > cap:
        raise BadRequest(f"{key} 过长：最多 {cap} 个字符")
    return value.strip()


def _sections(raw: Any) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(s, str) for s in raw):
        raise BadRequest("sections 必须是字符串列表")
    return [s[:80] for s in raw[:10]]


@bp.post("/api/feedback")
def post_feedback() -> Response:
    from webchat.api import clean_question

    if not request.is_json:
        raise UnsupportedMediaType()
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest('请求体必须是 JSON 对象，例如 {"question": "...", "helpful": true}')
    question = clean_question(body.get("question"))
    helpful = body.get("helpful")
    if not isinstance(helpful, bool):
        raise BadRequest("helpful 必须是 true 或 false")
    store(current_app.config, "vote", question, _text(body, "plan", 200), _text(body, "outcome", 20), helpful,
          _text(body, "comment", MAX_COMMENT), _sections(body.get("sections")))
    resp = jsonify({"ok": True})
    resp.status_code = 201
    return resp


def _record_unanswered(resp: Response) -> Response:
    """After ``POST /api/ask``: keep declined / not-stated questions for the staff report."""
    if request.path != "/api/ask" or request.method != "POST" or resp.status_code != 200:
        return resp
    data = resp.get_json(silent=True)
    if not isinstance(data, dict) or data.get("answered") is not False:
        return resp
    outcome = str(data.get("mode") or "declined")
    if outcome not in UNANSWERED:
        outcome = "declined"
    near = [c.get("section") or c.get("heading") or "" for c in (data.get("related") or data.get("citations") or [])
            if isinstance(c, dict)]
    store(current_app.config, "ask", str(data.get("question") or ""), data.get("plan"), outcome, None, None,
          [s for s in near if s][:3])
    return resp


# ---------------------------------------------------------------- the report


@dataclass
class Group:
    plan: str
    section: str
    declined: int = 0
    unhelpful: int = 0
    questions: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return self.declined + self.unhelpful


def report(config: Any) -> list[Group]:
    """Declined / not-stated questions and 👎 votes, grouped by plan and nearest section, most first."""
    if not db_path(config).exists():
        return []
    con = connect(config)
    rows = con.execute("SELECT kind, question, plan, outcome, helpful, sections FROM feedback "
                       "WHERE (kind = 'ask') OR (kind = 'vote' AND helpful = 0)").fetchall()
    con.close()
    groups: dict[tuple[str, str], Group] = {}
    for kind, question, plan, _outcome, _helpful, sections in rows:
        near = (json.loads(sections) or ["—"])[0]
        g = groups.setdefault((plan or "—", near), Group(plan or "—", near))
        if kind == "ask":
            g.declined += 1
        else:
            g.unhelpful += 1
        g.questions[question] += 1
    return sorted(groups.values(), key=lambda g: (-g.total, g.plan, g.section))


def report_markdown(groups: list[Group]) -> str:
    if not groups:
        return "没有未回答或“没帮助”的问题。\n"
    lines = ["| 规划 | 最近章节 | 未回答 | 没帮助 | 问题（次数） |", "|---|---|---:|---:|---|"]
    for g in groups:
        qs = "；".join(f"{q}（{n}）" for q, n in g.questions.most_common(5)).replace("|", "｜")
        lines.append(f"| {g.plan} | {g.section} | {g.declined} | {g.unhelpful} | {qs} |")
    return "\n".join(lines) + "\n"


@bp.route("/staff/report", methods=["GET", "POST"])
def staff_report() -> Response:
    expected = str(current_app.config.get("STAFF_TOKEN") or "")
    if not expected:
        raise NotFound("员工报告未启用（设置 PLANKG_STAFF_TOKEN）。 / The staff report is off (set PLANKG_STAFF_TOKEN).")
    given = request.form.get("token") or request.headers.get("X-Staff-Token") or ""
    ok = request.method == "POST" or "X-Staff-Token" in request.headers
    authorised = ok and hmac.compare_digest(given.encode(), expected.encode())
    lang = "en" if request.args.get("lang") == "en" else "zh"
    html = render_template("staff_report.html", authorised=authorised, tried=bool(given), lang=lang,
                           groups=report(current_app.config) if authorised else [])
    resp = Response(html, status=200 if authorised or not given else 403, mimetype="text/html")
    resp.headers["Cache-Control"] = "no-store"
    return resp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.after_request(_record_unanswered)
