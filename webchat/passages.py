"""The readable passage view (HTML at ``/api/passages/<id>`` for browsers) and a plan's outline.

``/api/passages/<id>`` answers JSON to JSON clients (``Accept: application/json``, ``*/*``, none) and
this page to browsers (``Accept: text/html`` preferred): the heading trail, the passage with the quote
from ``?q=`` highlighted, previous/next passage of the same plan, a link to the plan's outline.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request

from ingest.records import Passage, Section
from webchat.resources import Build

bp = Blueprint("passages", __name__)

MAX_QUOTE = 500


def wants_html() -> bool:
    """True when the client prefers HTML over JSON (a browser navigating, not fetch/curl)."""
    if request.args.get("format") == "json":
        return False
    if request.args.get("format") == "html":
        return True
    accept = request.accept_mimetypes
    best = accept.best_match(["application/json", "text/html"])
    return best == "text/html" and accept["text/html"] > accept["application/json"]


def _build() -> Build:
    return current_app.extensions["plankg"].current()  # type: ignore[no-any-return]


def _order(build: Build, plan: str) -> list[Passage]:
    """A plan's passages in reading order (read from the build's plan cache, not the corpus)."""
    return sorted(build.plan_passages(plan), key=lambda p: p.start) if plan in build.plan_ids() else []


def neighbours(build: Build, passage: Passage) -> tuple[Passage | None, Passage | None]:
    """The passages just before and after ``passage`` in its plan's reading order."""
    items = _order(build, passage.plan)
    at = next((i for i, p in enumerate(items) if p.id == passage.id), -1)
    if at < 0:
        return None, None
    return (items[at - 1] if at > 0 else None), (items[at + 1] if at + 1 < len(items) else None)


def paragraphs(text: str, quote: str) -> tuple[list[tuple[str, str, str]], bool]:
    """The text's lines as ``(before, marked, after)``; the first line holding ``quote`` has it marked
    (a quote over several lines: its first line). Returns the paragraphs and whether the quote was found."""
    quote = quote.strip()[:MAX_QUOTE]
    if quote and quote not in text.replace("\r", ""):
        quote = ""
    first = next((ln.strip() for ln in quote.split("\n") if ln.strip()), "") if quote else ""
    out: list[tuple[str, str, str]] = []
    found = False
    for line in (ln for ln in text.split("\n") if ln.strip()):
        at = line.find(first) if first and not found else -1
        if at >= 0:
            found = True
            out.append((line[:at], first, line[at + len(first):]))
        else:
            out.append((line, "", ""))
    return out, found


def passage_json(build: Build, p: Passage) -> dict[str, Any]:
    prev, nxt = neighbours(build, p)
    return {"id": p.id, "plan": p.plan, "section": p.section, "heading": p.heading, "path": list(p.path),
            "text": p.text, "start": p.start, "end": p.end,
            "prev": prev.id if prev else None, "next": nxt.id if nxt else None}


def passage_page(build: Build, p: Passage) -> Response:
    lang = "en" if request.args.get("lang") == "en" else "zh"
    prev, nxt = neighbours(build, p)
    plan = next((m for m in build.plans if m.id == p.plan), None)
    paras, found = paragraphs(p.text, request.args.get("q", ""))
    html = render_template("passage.html", p=p, prev=prev, next=nxt, lang=lang, paras=paras, found=found,
                           plan_title=plan.title if plan else p.plan)
    resp = Response(html, mimetype="text/html")
    resp.vary.add("Accept")
    return resp


@dataclass(frozen=True)
class OutlineRow:
    section: Section
    first: str | None  # id of the first passage under this heading


def outline_rows(build: Build, plan: str) -> list[OutlineRow]:
    first: dict[str, str] = {}
    for p in _order(build, plan):
        first.setdefault(p.section_id, p.id)
    sections = sorted(build.plan_sections(plan), key=lambda s: s.start)
    return [OutlineRow(s, first.get(s.id)) for s in sections]


@bp.get("/outline/<plan>")
def outline(plan: str) -> Response:
    build = _build()
    build.check_plan(plan)
    meta = next(m for m in build.plans if m.id == plan)
    lang = "en" if request.args.get("lang") == "en" else "zh"
    html = render_template("outline.html", plan=meta, rows=outline_rows(build, plan), lang=lang)
    return Response(html, mimetype="text/html")
