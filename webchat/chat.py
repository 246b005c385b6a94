"""The resident-facing pages: chat, widget script, the staff embedding page, embed demo, favicon."""

from __future__ import annotations

import functools
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, request, url_for

from webchat.resources import Build
from webchat.suggest import resident_questions

bp = Blueprint("chat", __name__)


def _build() -> Build:
    return current_app.extensions["plankg"].current()  # type: ignore[no-any-return]


def _lang() -> str:
    return "en" if request.args.get("lang") == "en" else "zh"


def chosen_plan(b: Build) -> str:
    """``?plan=`` when it names a served plan, else the DEFAULT_PLAN setting, else the first plan."""
    ids = b.plan_ids()
    for candidate in (request.args.get("plan"), current_app.config.get("DEFAULT_PLAN")):
        if candidate and candidate in ids:
            return str(candidate)
    return ids[0] if ids else ""


def page_plan(b: Build) -> str:
    """The chat page's preselected plan: ``?plan=`` or DEFAULT_PLAN when served; with several plans and
    neither, none (the question's place names choose, else the resident is asked); else the only plan."""
    ids = b.plan_ids()
    for candidate in (request.args.get("plan"), current_app.config.get("DEFAULT_PLAN")):
        if candidate and candidate in ids:
            return str(candidate)
    return ids[0] if len(ids) == 1 else ""


@bp.get("/")
def index() -> Response:
    b = _build()
    lang = _lang()
    plan = page_plan(b)
    plans = [{"id": p.id, "title": p.title, "publisher": p.publisher} for p in b.plans]
    html = render_template("index.html", plans=plans, default_plan=plan,
                           suggestions=resident_questions(b, plan or None, lang), lang=lang)
    return Response(html, mimetype="text/html")


@bp.get("/embed")
def embed() -> Response:
    """For staff of sites that embed the chat: the snippet (absolute URL from PUBLIC_URL) and its options."""
    b = _build()
    widget = url_for("chat.widget", _external=True)
    snippet = f'<script src="{widget}" data-plan="{chosen_plan(b)}" async></script>'
    html = render_template("embed.html", embed_snippet=snippet, lang=_lang(),
                           cors_origins=sorted(str(current_app.config["CORS_ORIGINS"]).split()))
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


@bp.get("/favicon.ico")
def favicon() -> Response:
    svg = (Path(current_app.static_folder or "static") / "favicon.svg").read_bytes()
    resp = Response(svg, mimetype="image/svg+xml")
    resp.headers["Cache-Control"] = "public, max-age=86400"
    return resp


@bp.get("/embed-demo")
def embed_demo() -> Response:
    html = render_template("embed_demo.html", widget_url=url_for("chat.widget"), default_plan=chosen_plan(_build()))
    return Response(html, mimetype="text/html")
