"""/sparql: a read-only SPARQL 1.1 Protocol endpoint, its service description and the query page.

Queries are checked by ``kg.sparql.check_query`` and run by a per-build ``kg.sparql.QueryRunner``
(worker processes with a hard timeout). The default graph is the union of all plan graphs; each
plan's graph is addressable as ``GRAPH <{IRI_BASE}/graph/{plan}>``.
"""

from __future__ import annotations

import threading
from typing import Any, cast

from flask import Blueprint, Flask, Response, current_app, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, VOID
from werkzeug.exceptions import UnsupportedMediaType

from ingest.errors import BadRequest, QueryRejected
from kg.examples import examples_json
from kg.iri import graph_iri
from kg.sparql import FORMATS, CheckedQuery, QueryOutput, QueryRunner, check_query
from webchat.resources import Build

bp = Blueprint("sparql", __name__)

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FMT = Namespace("http://www.w3.org/ns/formats/")
_ALIASES = {"application/json": "json", "application/xml": "xml", "text/xml": "xml"}
_RDF_OUT = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}
_RESULT_FORMATS = (FMT.SPARQL_Results_JSON, FMT.SPARQL_Results_XML, FMT.SPARQL_Results_CSV,
                   FMT.SPARQL_Results_TSV, FMT.Turtle, FMT["N-Triples"], FMT["JSON-LD"])  # fmt: skip


class Runners:
    """One ``QueryRunner`` per app for the build being served; the previous build's is closed."""

    def __init__(self, config: Any) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._runner: QueryRunner | None = None
        self._counts: dict[str, dict[str, int]] = {}

    def for_build(self, build: Build) -> QueryRunner:
        with self._lock:
            if self._runner is None or self._runner.build_path != build.path:
                old, self._runner = (
                    self._runner,
                    QueryRunner(
                        build.path,
                        str(self.config["STORE"]),
                        size=min(4, max(2, int(self.config["THREADS"]))),
                        timeout=float(self.config["SPARQL_TIMEOUT"]),
                    ),
                )
                if old is not None:
                    old.close()
            return self._runner

    def triple_counts(self, build: Build) -> dict[str, int]:
        """Triples per plan graph of ``build`` (computed once per build)."""
        key = str(build.path)
        if key not in self._counts:
            base = iri_base(build)
            rows = build.dataset.query(
                "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
            )
            by_graph = {str(g): int(n) for g, n in rows}  # type: ignore[misc]
            self._counts[key] = {p.id: by_graph.get(str(graph_iri(base, p.id)), 0) for p in build.plans}
        return self._counts[key]

    def close(self) -> None:
        with self._lock:
            if self._runner is not None:
                self._runner.close()
                self._runner = None


@bp.record_once
def _setup(state: BlueprintSetupState) -> None:
    app = cast(Flask, state.app)
    app.extensions["plankg_sparql"] = Runners(app.config)


def runners() -> Runners:
    return current_app.extensions["plankg_sparql"]  # type: ignore[no-any-return]


def current_build() -> Build:
    return current_app.extensions["plankg"].current()  # type: ignore[no-any-return]


def iri_base(build: Build) -> str:
    return str(build.manifest.get("iri_base") or current_app.config["IRI_BASE"])


def _refuse_update() -> None:
    raise QueryRejected(
        "只读端点不接受更新操作。 / This endpoint is read-only: SPARQL Update is not accepted."
    )


def query_text() -> str | None:
    """The query of a SPARQL 1.1 Protocol request (GET, form POST or direct POST), or None."""
    if request.method == "GET":
        params = request.args
    elif request.mimetype == "application/x-www-form-urlencoded":
        params = request.form
    elif request.mimetype == "application/sparql-query":
        return request.get_data(as_text=True)
    elif request.mimetype == "application/sparql-update":
        _refuse_update()
    else:
        raise UnsupportedMediaType()
    if "update" in params:
        _refuse_update()
    if "default-graph-uri" in params or "named-graph-uri" in params:
        raise QueryRejected(
            "不支持 default-graph-uri / named-graph-uri；请在查询中使用 GRAPH。"
            " / default-graph-uri and named-graph-uri are not supported; use GRAPH in the query."
        )
    if len(params.getlist("query")) > 1:
        raise BadRequest("只能提交一个 query 参数。 / Exactly one query parameter is allowed.")
    return params.get("query")


def choose_format(form: str) -> str:
    """``?format=`` if given, else the best Accept match for the query form, else its default."""
    kind = "rows" if form in ("SELECT", "ASK") else "graph"
    wanted = request.args.get("format")
    if wanted:
        if (
            wanted not in FORMATS
            or FORMATS[wanted][1] != kind
            or (form == "ASK" and wanted in ("csv", "tsv"))
        ):
            raise BadRequest(
                f"format={wanted} 不适用于 {form} 查询。 / format={wanted} does not fit a {form} query."
            )
        return wanted
    offered = {FORMATS[k][0]: k for k in FORMATS if FORMATS[k][1] == kind}
    if form == "ASK":
        offered = {m: k for m, k in offered.items() if k in ("json", "xml")}
    aliases = {m: k for m, k in _ALIASES.items() if k in offered.values()}
    if kind == "graph":
        aliases = {"application/json": "jsonld"}
    best = request.accept_mimetypes.best_match([*offered, *aliases])
    return (offered | aliases).get(best or "", "json" if kind == "rows" else "ttl")


def output_response(out: QueryOutput) -> Response:
    text = out.media_type.startswith("text/") or out.media_type == "application/n-triples"
    resp = Response(out.body, content_type=out.media_type + ("; charset=utf-8" if text else ""))
    resp.headers["Vary"] = "Accept"
    resp.headers["X-PlanKG-Rows"] = str(out.rows)
    if out.truncated:
        resp.headers["X-PlanKG-Truncated"] = "true"
        resp.headers["X-PlanKG-Row-Limit"] = str(current_app.config["SPARQL_MAX_ROWS"])
    return resp


def _wants_page() -> bool:
    accept = request.accept_mimetypes
    return (
        request.method == "GET"
        and accept.accept_html
        and accept.best_match(["text/html", "text/turtle", "application/n-triples", "application/ld+json"])
        == "text/html"
    )


@bp.route("/sparql", methods=["GET", "POST"], endpoint="endpoint")
def endpoint() -> Response | str:
    text = query_text()
    if text is None:
        if request.method == "POST":
            raise BadRequest("缺少 query 参数。 / The query parameter is missing.")
        if _wants_page():
            lang = "en" if request.args.get("lang") == "en" else "zh"
            return render_template(
                "sparql.html",
                endpoint_url=url_for("sparql.endpoint"),
                examples=examples_json(lang),
                lang=lang,
            )
        return description()
    build = current_build()
    checked: CheckedQuery = check_query(
        text, int(current_app.config["SPARQL_MAX_QUERY_BYTES"]), iri_base(build)
    )
    fmt = choose_format(checked.form)
    out = runners().for_build(build).run(checked, fmt, int(current_app.config["SPARQL_MAX_ROWS"]))
    return output_response(out)


def description_graph(build: Build, endpoint_iri: str) -> Graph:
    """SPARQL 1.1 Service Description with a VoID description of each plan graph."""
    g = Graph()
    for prefix, ns in (("sd", SD), ("void", VOID), ("dcterms", DCTERMS), ("fmt", FMT)):
        g.bind(prefix, ns)
    service, dataset, default = (
        URIRef(endpoint_iri),
        URIRef(endpoint_iri + "#dataset"),
        URIRef(endpoint_iri + "#default"),
    )
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    for fmt in _RESULT_FORMATS:
        g.add((service, SD.resultFormat, fmt))
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, SD.defaultGraph, default))
    counts = runners().triple_counts(build)
    g.add((default, RDF.type, SD.Graph))
    g.add((default, RDF.type, VOID.Dataset))
    g.add((default, VOID.triples, Literal(sum(counts.values()))))
    base = iri_base(build)
    for plan in build.plans:
        name = graph_iri(base, plan.id)
        named, node = URIRef(f"{endpoint_iri}#graph-{plan.id}"), URIRef(f"{endpoint_iri}#void-{plan.id}")
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, name))
        g.add((named, SD.graph, node))
        g.add((node, RDF.type, SD.Graph))
        g.add((node, RDF.type, VOID.Dataset))
        g.add((node, DCTERMS.title, Literal(plan.title, lang="zh")))
        g.add((node, VOID.sparqlEndpoint, service))
        g.add((node, VOID.triples, Literal(counts[plan.id])))
        g.add((default, VOID.subset, node))
    return g


@bp.route("/sparql/description", endpoint="description")
def description() -> Response:
    build = current_build()
    graph = description_graph(build, url_for("sparql.endpoint", _external=True))
    wanted = request.args.get("format")
    if wanted not in _RDF_OUT:
        best = request.accept_mimetypes.best_match(
            ["text/turtle", "application/n-triples", "application/ld+json"]
        )
        wanted = {"application/n-triples": "nt", "application/ld+json": "jsonld"}.get(best or "", "ttl")
    body = graph.serialize(format=_RDF_OUT[wanted], encoding="utf-8")
    resp = Response(body, content_type=FORMATS[wanted][0] + ("" if wanted == "jsonld" else "; charset=utf-8"))
    resp.headers["Vary"] = "Accept"
    return resp
