"""The resident-facing pages: chat, widget script, embed demo."""

from __future__ import annotations

import functools
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, request, url_for

from webchat.resources import Build

bp = Blueprint("chat", __name__)

SUGGESTIONS = {
    "zh": ["有几个森林公园？", "哪些是重点镇？", "城镇污水集中处理率要达到多少？", "规划期限是哪几年？"],
    "en": ["How many forest parks are there?", "Which towns are key towns?",
           "What is the sewage treatment target?", "What period does the plan cover?"],
}


def _build() -> Build:
    return current_app.extensions["plankg"].current()


def _lang() -> str:
    return "en" if request.args.get("lang") == "en" else "zh"


@bp.get("/")
def index() -> Response:
    b = _build()
    lang = _lang()
    default_plan = b.plans[0].id if b.plans else ""
    html = render_template("index.html", plans=[{"id": p.id, "title": p.title} for p in b.plans],
                           default_plan=default_plan, suggestions=SUGGESTIONS[lang], lang=lang)
    return Response(html, mimetype="text/html")


@bp.get("/embed")
def embed() -> Response:
    """For staff of sites that embed the chat: the snippet (absolute URL from PUBLIC_URL) and its options."""
    b = _build()
    widget = url_for("chat.widget", _external=True)
    default_plan = b.plans[0].id if b.plans else ""
    snippet = f'<script src="{widget}" data-plan="{default_plan}" async></script>'
    html = render_template("embed.html", embed_snippet=snippet, lang=_lang(),
                           cors_origins=sorted(current_app.config["CORS_ORIGINS"].split()))
    return Response(html, mimetype="text/html")


INCLUDE = "/* @include render.js: the block between the BEGIN/END plankg-render markers, inlined by /widget.js */"
BEGIN, END = "/* BEGIN plankg-render */", "/* END plankg-render */"


@functools.cache
def widget_source(static_folder: str) -> str:
    """widget.js with the shared rendering code of render.js inlined in its closure (one file, one global)."""
    static = Path(static_folder)
    render = (static / "render.js").read_text(encoding="utf-8")
    block = render[render.index(BEGIN): render.index(END) + len(END)]
    return (static / "widget.js").read_text(encoding="utf-8").replace(INCLUDE, block)


@bp.get("/widget.js")
def widget() -> Response:
    resp = Response(widget_source(current_app.static_folder or "static"), mimetype="application/javascript")
    resp.headers["Access-Control-Allow-Origin"] = "*"
    resp.headers["Cache-Control"] = "public, max-age=300"
    return resp


@bp.get("/embed-demo")
def embed_demo() -> Response:
    b = _build()
    html = render_template("embed_demo.html", widget_url=url_for("chat.widget"),
                           default_plan=b.plans[0].id if b.plans else "")
    return Response(html, mimetype="text/html")
