"""/sparql: a read-only SPARQL 1.1 Protocol endpoint, its service description and the query page.

The request thread only reads the protocol (method, parameters, strict UTF-8), screens the text
(``kg.sparql_text.screen``) and negotiates the formats; the query runs in a per-build
``kg.sparql.QueryRunner`` (worker processes with a hard timeout and no network). The default graph
is the union of all plan graphs unless the query (FROM / FROM NAMED) or the request
(``default-graph-uri`` / ``named-graph-uri``) names a dataset; each plan's graph is
``{IRI_BASE}/graph/{plan}``. A client runs at most ``SPARQL_PER_CLIENT`` queries at once, and a query
waits at most ``SPARQL_QUEUE_WAIT`` seconds for a worker, so page and API requests keep their threads.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, cast
from urllib.parse import parse_qsl

from flask import Blueprint, Flask, Response, current_app, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, VOID
from werkzeug.datastructures import MIMEAccept, MultiDict
from werkzeug.exceptions import UnsupportedMediaType
from werkzeug.http import parse_accept_header

from ingest.errors import BadRequest, QueryRejected, RateLimited
from kg.examples import examples_json
from kg.iri import graph_iri
from kg.sparql import FORMATS, GRAPH, ROWS, NotAcceptable, QueryJob, QueryOutput, QueryRunner, RunnerClosed
from kg.sparql_text import screen
from webchat.resources import Build

DEFERRED = "plankg.sparql.deferred"  # environ key: an error the fast path met, raised again in the view

bp = Blueprint("sparql", __name__)

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FMT = Namespace("http://www.w3.org/ns/formats/")
# ?format= / ?output= values (SPARQLWrapper, Virtuoso, Fuseki) -> (SELECT/ASK format, CONSTRUCT/DESCRIBE format)
FORMAT_PARAM: dict[str, tuple[str | None, str | None]] = {
    "json": ("json", "jsonld"), "xml": ("xml", "rdfxml"), "csv": ("csv", None), "tsv": ("tsv", None),
    "ttl": (None, "ttl"), "turtle": (None, "ttl"), "nt": (None, "nt"), "ntriples": (None, "nt"),
    "n-triples": (None, "nt"), "jsonld": (None, "jsonld"), "json-ld": (None, "jsonld"), "n3": (None, "n3"),
    "rdf": (None, "rdfxml"), "rdf+xml": (None, "rdfxml"), "rdfxml": (None, "rdfxml"), "nq": (None, "nq"),
    "nquads": (None, "nq"), "trig": (None, "trig"),
    **{media: ((key, None) if kind == ROWS else (None, key)) for key, (media, kind) in FORMATS.items()},
}  # fmt: skip
# media types a client may ask for -> format key, per result kind (first = default for */*)
_OFFERED = {
    ROWS: [(FORMATS[k][0], k) for k in ("json", "xml", "csv", "tsv")]
    + [("application/json", "json"), ("application/xml", "xml"), ("text/xml", "xml")],
    GRAPH: [(FORMATS[k][0], k) for k in ("ttl", "nt", "jsonld", "rdfxml", "nq", "trig", "n3")]
    + [("application/json", "jsonld"), ("application/xml", "rdfxml"), ("text/xml", "rdfxml"),
       ("text/plain", "nt"), ("application/x-turtle", "ttl")],
}  # fmt: skip
_DESCRIPTION = ("ttl", "nt", "jsonld", "rdfxml")
_RESULT_FORMATS = (FMT.SPARQL_Results_JSON, FMT.SPARQL_Results_XML, FMT.SPARQL_Results_CSV,
                   FMT.SPARQL_Results_TSV, FMT.Turtle, FMT["N-Triples"], FMT["JSON-LD"], FMT.RDF_XML,
                   FMT["N-Quads"], FMT.TriG, FMT.N3)  # fmt: skip


class Runners:
    """One ``QueryRunner`` per app for the build being served (the previous build's is closed), and
    the count of queries each client has running."""

    def __init__(self, config: Any) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._runner: QueryRunner | None = None
        self._counts: dict[str, dict[str, int]] = {}
        self._running: dict[str, int] = {}

    def for_build(self, build: Build) -> QueryRunner:
        with self._lock:
            if self._runner is None or self._runner.build_path != build.path:
                size = min(int(self.config["SPARQL_WORKERS"]), max(1, int(self.config["THREADS"]) - 1))
                old, self._runner = self._runner, QueryRunner(
                    build.path, str(self.config["STORE"]), size=size,
                    timeout=float(self.config["SPARQL_TIMEOUT"]), memory_mb=int(self.config["SPARQL_MEMORY_MB"]),
                    wait=float(self.config["SPARQL_QUEUE_WAIT"]))  # fmt: skip
                if old is not None:
                    old.close()
            return self._runner

    def submit(self, job: QueryJob, build: Build, current: Callable[[], Build]) -> QueryOutput:
        """Run ``job`` on ``build``'s runner; if a newer build closed that runner meanwhile (a 503 at
        once otherwise), run it once more on the ``current()`` build's."""
        try:
            return self.for_build(build).submit(job)
        except RunnerClosed:
            return self.for_build(current()).submit(job)

    @contextmanager
    def slot(self, client: str) -> Iterator[None]:
        """Hold one of ``client``'s concurrent-query slots, or raise ``RateLimited`` (429)."""
        cap = int(self.config["SPARQL_PER_CLIENT"])
        with self._lock:
            if self._running.get(client, 0) >= cap:
                exc = RateLimited(f"同一客户端同时最多运行 {cap} 个查询。 / At most {cap} queries at once per client.")
                exc.retry_after = 2  # type: ignore[attr-defined]
                raise exc
            self._running[client] = self._running.get(client, 0) + 1
        try:
            yield
        finally:
            with self._lock:
                self._running[client] -= 1
                if not self._running[client]:
                    del self._running[client]

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
    from webchat.sparql_fast import install

    app = cast(Flask, state.app)
    app.extensions["plankg_sparql"] = Runners(app.config)
    install(app)


def runners() -> Runners:
    return current_app.extensions["plankg_sparql"]  # type: ignore[no-any-return]


def current_build() -> Build:
    return current_app.extensions["plankg"].current()  # type: ignore[no-any-return]


def iri_base(build: Build, config: Any = None) -> str:
    return str(build.manifest.get("iri_base") or (current_app.config if config is None else config)["IRI_BASE"])


def _refuse_update() -> None:
    raise QueryRejected(
        "只读端点不接受更新操作。 / This endpoint is read-only: SPARQL Update is not accepted."
    )


def _utf8(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("请求不是有效的 UTF-8。 / The request is not valid UTF-8.") from None


def _params(raw: bytes) -> MultiDict[str, str]:
    """URL-encoded parameters, decoded strictly as UTF-8 (werkzeug would substitute U+FFFD)."""
    try:
        return MultiDict(parse_qsl(_utf8(raw), keep_blank_values=True, encoding="utf-8", errors="strict"))
    except UnicodeDecodeError:
        raise BadRequest("请求参数不是有效的 UTF-8。 / The parameters are not valid UTF-8.") from None


def protocol() -> tuple[str | None, MultiDict[str, str]]:
    """``(query text or None, all protocol parameters)`` of a GET, form POST or direct POST."""
    return read_protocol(request.method, request.mimetype, request.query_string, request.get_data)


def read_protocol(method: str, mimetype: str, query_string: bytes,
                  body: Callable[[], bytes]) -> tuple[str | None, MultiDict[str, str]]:
    """``protocol`` from the parts of a request (also used below Flask, by ``webchat.sparql_fast``)."""
    params = _params(query_string)
    text: str | None = None
    if method in ("GET", "HEAD"):
        pass
    elif mimetype == "application/x-www-form-urlencoded":
        params.update(_params(body()))
    elif mimetype == "application/sparql-query":
        text = _utf8(body())
    elif mimetype == "application/sparql-update":
        _refuse_update()
    else:
        raise UnsupportedMediaType()
    if "update" in params:
        _refuse_update()
    queries = params.getlist("query")
    if len(queries) > 1 or (text is not None and queries):
        raise BadRequest("只能提交一个 query 参数。 / Exactly one query parameter is allowed.")
    return (text if text is not None else (queries[0] if queries else None)), params


def formats(params: MultiDict[str, str], accept: str | None = None) -> tuple[str | None, str | None, bool]:
    """``(SELECT/ASK format, CONSTRUCT/DESCRIBE format, given by parameter)`` for this request (or for
    the ``accept`` header given)."""
    wanted = params.get("format") or params.get("output")
    if wanted:
        if wanted.lower() not in FORMAT_PARAM:
            raise BadRequest(f"不支持的 format={wanted}。 / Unsupported format={wanted}.")
        rows, graph = FORMAT_PARAM[wanted.lower()]
        return rows, graph, True
    rows, graph = _negotiate(request.headers.get("Accept", "") if accept is None else accept)
    if rows is None and graph is None:
        raise NotAcceptable("没有可接受的结果格式（Accept）。 / None of the result formats is acceptable (Accept).")
    return rows, graph, False


@functools.lru_cache(maxsize=256)
def _negotiate(header: str) -> tuple[str | None, str | None]:
    """The best format per result kind for an Accept header (clients send few distinct ones)."""
    if not header.strip():
        return "json", "ttl"
    accept = parse_accept_header(header, MIMEAccept)
    picked = []
    for kind in (ROWS, GRAPH):
        best = accept.best_match([media for media, _key in _OFFERED[kind]])
        picked.append(dict(_OFFERED[kind])[best] if best else None)
    return picked[0], picked[1]


def output_headers(out: QueryOutput, config: Any) -> list[tuple[str, str]]:
    """The headers of a query result (the header policy's are added by the caller or its hooks)."""
    text = out.media_type.startswith("text/") or out.media_type == "application/n-triples"
    headers = [("Content-Type", out.media_type + ("; charset=utf-8" if text else "")), ("Vary", "Accept"),
               ("X-PlanKG-Rows", str(out.rows))]  # fmt: skip
    if out.truncated:
        headers += [("X-PlanKG-Truncated", "true"), ("X-PlanKG-Row-Limit", str(config["SPARQL_MAX_ROWS"]))]
    return headers


def output_response(out: QueryOutput) -> Response:
    return Response(out.body, headers=output_headers(out, current_app.config))


def query_job(text: str, params: MultiDict[str, str], accept: str | None, build: Build, config: Any) -> QueryJob:
    """Screen ``text`` and make the job: formats, protocol dataset, row cap, this build's graphs."""
    screen(text, int(config["SPARQL_MAX_QUERY_BYTES"]))
    rows_format, graph_format, given = formats(params, accept)
    defaults, named = params.getlist("default-graph-uri"), params.getlist("named-graph-uri")
    return QueryJob(
        text, rows_format, graph_format, int(config["SPARQL_MAX_ROWS"]),
        tuple(defaults) if defaults or named else None, tuple(named) if defaults or named else None,
        iri_base(build, config).rstrip("/") + "/graph/", given,
    )  # fmt: skip


def _wants_page() -> bool:
    """Only a client that names text/html (a browser) gets the page; */* gets the description."""
    accept = request.accept_mimetypes
    offered = [FORMATS[k][0] for k in _DESCRIPTION] + ["text/html"]
    return any(value == "text/html" and q > 0 for value, q in accept) and accept.best_match(offered) == "text/html"


@bp.route("/sparql", methods=["GET", "POST"], endpoint="endpoint")
def endpoint() -> Response | str:
    deferred = request.environ.pop(DEFERRED, None)
    if deferred is not None:  # the fast path failed this request: the same error, through Flask's handlers
        raise deferred
    text, params = protocol()
    if text is None:
        if request.method == "POST":
            raise BadRequest("缺少 query 参数。 / The query parameter is missing.")
        if _wants_page():
            lang = "en" if request.args.get("lang") == "en" else "zh"
            build = current_build()
            return render_template("sparql.html", endpoint_url=url_for("sparql.endpoint"),
                                   examples=examples_json(lang), lang=lang,
                                   id_base=iri_base(build).rstrip("/") + "/id/",
                                   id_path=request.script_root + "/id/")  # fmt: skip
        return description()
    build = current_build()
    job = query_job(text, params, None, build, current_app.config)
    with runners().slot(request.remote_addr or "-"):
        out = runners().submit(job, build, current_build)
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


_RDFLIB = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdfxml": "xml"}


@bp.route("/sparql/description", endpoint="description")
def description() -> Response:
    """The service description in Turtle, N-Triples, JSON-LD or RDF/XML (406 for anything else)."""
    build = current_build()
    wanted = FORMAT_PARAM.get((request.args.get("format") or "").lower(), (None, None))[1]
    if wanted not in _RDFLIB:
        best = request.accept_mimetypes.best_match([FORMATS[k][0] for k in _DESCRIPTION]) \
            if request.accept_mimetypes else FORMATS["ttl"][0]
        if best is None:
            raise NotAcceptable("服务描述只提供 Turtle、N-Triples、JSON-LD 和 RDF/XML。"
                                " / The service description comes as Turtle, N-Triples, JSON-LD or RDF/XML.")
        wanted = next(k for k in _DESCRIPTION if FORMATS[k][0] == best)
    graph = description_graph(build, url_for("sparql.endpoint", _external=True))
    body = graph.serialize(format=_RDFLIB[wanted], encoding="utf-8")
    media = FORMATS[wanted][0]
    resp = Response(body, content_type=media + ("; charset=utf-8" if media.startswith("text/") else ""))
    resp.headers["Vary"] = "Accept"
    return resp
