"""Dereferenceable IRIs: ``/id/...`` (plans, sections, passages, entities) and ``/ontology``.

HTML for browsers (label, class, properties with links, the source passages with the quoted span
highlighted and a small server-drawn SVG of the neighbourhood), Turtle / N-Triples / JSON-LD by
``Accept`` or ``?format=``. Unknown IRIs answer the JSON error shape with 404.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, current_app, render_template, request
from markupsafe import Markup, escape
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import PROV, SKOS

from ingest.errors import NotFound
from kg.iri import entity_iri, parse_entity_path, plan_iri
from ontology import NAMESPACE, PLAN, ontology_graph
from webchat.resources import Build

bp = Blueprint("entities", __name__)

_RDF_FORMATS = {"ttl": ("turtle", "text/turtle"), "nt": ("nt", "application/n-triples"),
                "jsonld": ("json-ld", "application/ld+json")}  # fmt: skip
_BY_MEDIA = {media: key for key, (_f, media) in _RDF_FORMATS.items()}
_HIDDEN_LINKS = {RDF.type, PLAN.inPlan, PROV.wasDerivedFrom, PLAN.inSection}  # not drawn in the picture
_MAX_NEIGHBOURS = 12


def current_build() -> Build:
    return current_app.extensions["plankg"].current()  # type: ignore[no-any-return]


def iri_base(build: Build) -> str:
    return str(build.manifest.get("iri_base") or current_app.config["IRI_BASE"]).rstrip("/")


def choose_format() -> str:
    """``html`` or a key of ``_RDF_FORMATS``: ``?format=`` first, then Accept."""
    wanted = request.args.get("format")
    if wanted in _RDF_FORMATS or wanted == "html":
        return wanted
    best = request.accept_mimetypes.best_match(["text/html", *_BY_MEDIA])
    if best is None:  # no Accept header at all, or only types we do not serve
        return "html" if not request.accept_mimetypes or request.accept_mimetypes.accept_html else "ttl"
    return _BY_MEDIA.get(best, "html")


def rdf_response(graph: Graph, fmt: str) -> Response:
    name, media = _RDF_FORMATS[fmt]
    body = graph.serialize(format=name, encoding="utf-8")
    resp = Response(body, content_type=media + ("" if fmt == "jsonld" else "; charset=utf-8"))
    resp.headers["Vary"] = "Accept"
    return resp


def _raw_path() -> str:
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or quote(request.path)
    path = str(raw).split("?", 1)[0]
    try:
        path = path.encode("latin-1").decode("utf-8")  # WSGI carries the raw bytes as latin-1
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass  # already text (a server that decoded it), or not UTF-8: parse as is
    root = request.script_root
    return path[len(root) :] if root and path.startswith(root) else path


_NOT_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\\x7f-\x9f\ufffd\ud800-\udfff]')


def node_for_path(base: str) -> URIRef:
    """The IRI the request path names; 404 for paths that name none (bad bytes, characters no IRI has)."""
    try:
        ep = parse_entity_path(_raw_path())
        node = plan_iri(base, ep.plan) if ep.kind == "Plan" else entity_iri(base, ep.plan, ep.kind, ep.key)
    except (ValueError, AttributeError):
        raise NotFound("没有这个实体。 / No such entity.") from None
    if _NOT_IRI.search(str(node)):
        raise NotFound("没有这个实体。 / No such entity.")
    return node


# ---------------------------------------------------------------- presentation helpers


@dataclass(frozen=True)
class Term:
    text: str
    href: str | None = None
    iri: str | None = None
    lang: str | None = None


class View:
    """Labels, CURIEs and local links for one build."""

    def __init__(self, build: Build, base: str, iris: set[URIRef]) -> None:
        self.ds, self.base = build.dataset, base
        self.onto = ontology_graph()
        self.labels = data_labels(build.dataset, iris)

    def href(self, iri: str) -> str | None:
        root = request.script_root
        if iri.startswith(self.base + "/id/"):
            return root + iri[len(self.base) :]
        if iri.startswith(NAMESPACE):
            return f"{root}/ontology#{iri[len(NAMESPACE) :]}"
        return None

    def label(self, iri: URIRef) -> str:
        labels = list(self.onto.objects(iri, RDFS.label)) or self.labels.get(iri, [])
        zh = [lit for lit in labels if isinstance(lit, Literal) and lit.language == "zh"]
        return str((zh or labels)[0]) if labels else self.curie(iri)

    def curie(self, iri: URIRef) -> str:
        try:
            return str(self.ds.namespace_manager.normalizeUri(iri)).strip("<>")
        except Exception:  # noqa: BLE001 - rdflib raises plain exceptions for IRIs it cannot shorten
            return str(iri)

    def term(self, value: Any) -> Term:
        if isinstance(value, URIRef):
            return Term(self.label(value), self.href(str(value)), str(value))
        if isinstance(value, Literal):
            return Term(str(value), lang=value.language)
        return Term(str(value))


def data_labels(ds: Any, iris: set[URIRef]) -> dict[URIRef, list[Literal]]:
    """rdfs:label of each IRI (one query; Dataset's triple API warns on the union graph)."""
    if not iris:
        return {}
    values = " ".join(i.n3() for i in sorted(iris))
    out: dict[URIRef, list[Literal]] = {}
    for s, label in ds.query(f"SELECT ?s ?l WHERE {{ VALUES ?s {{ {values} }} ?s <{RDFS.label}> ?l }}"):
        out.setdefault(s, []).append(label)
    return out


def links_of(ds: Any, node: URIRef) -> tuple[list[tuple[Any, Any]], list[tuple[Any, Any]]]:
    """``(outgoing (p, o), incoming (s, p))`` of ``node`` in the union of the plan graphs, sorted."""
    out = {(p, o) for p, o in ds.query(f"SELECT DISTINCT ?p ?o WHERE {{ {node.n3()} ?p ?o }}")}
    inc = {(s, p) for s, p in ds.query(f"SELECT DISTINCT ?s ?p WHERE {{ ?s ?p {node.n3()} }}")}
    return (
        sorted(out, key=lambda t: (str(t[0]), str(t[1]))),
        sorted(inc, key=lambda t: (str(t[1]), str(t[0]))),
    )


def sources(build: Build, node: URIRef, base: str) -> list[dict[str, Any]]:
    """The passages that state the node, with the quoted span split out for highlighting."""
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, int, int]] = set()
    for fact in build.facts_of_iri(node, base):  # only the facts of the node's plan
        passage = build.by_id.get(fact.passage)
        if passage is None or entity_iri(base, passage.plan, fact.kind, fact.key) != node:
            continue
        key = (passage.id, fact.start, fact.end)
        if key in seen:
            continue
        seen.add(key)
        a, b = fact.start - passage.start, fact.end - passage.start
        out.append(
            {
                "heading": " > ".join(passage.path) or passage.heading,
                "section": passage.section,
                "before": passage.text[:a],
                "quote": passage.text[a:b],
                "after": passage.text[b:],
                "href": f"{request.script_root}/id/{quote(passage.plan)}/passage/{passage.id}",
            }
        )
    return out


def neighbourhood_svg(view: View, node: URIRef, links: list[tuple[str, URIRef, bool]]) -> Markup:
    """A radial picture: the node in the middle, linked nodes around it (``bool`` = incoming)."""
    w, h, r = 640, 360, 140
    cx, cy = w / 2, h / 2
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" '
        f'role="img" aria-label="{escape(view.label(node))}" class="entity-graph">'
    ]
    n = max(1, len(links))
    for i, (pred, other, incoming) in enumerate(links):
        angle = 2 * math.pi * i / n - math.pi / 2
        x, y = cx + r * 1.6 * math.cos(angle), cy + r * math.sin(angle)
        dash = ' stroke-dasharray="4 3"' if incoming else ""
        parts.append(f'<line x1="{cx:.0f}" y1="{cy:.0f}" x2="{x:.0f}" y2="{y:.0f}" stroke="#98a2b3"{dash}/>')
        parts.append(
            f'<text x="{(cx + x) / 2:.0f}" y="{(cy + y) / 2 - 3:.0f}" font-size="10" fill="#667085" '
            f'text-anchor="middle">{escape(("← " if incoming else "") + pred)}</text>'
        )
        href = view.href(str(other))
        label = escape(view.label(other)[:16])
        circle = (
            f'<circle cx="{x:.0f}" cy="{y:.0f}" r="6" fill="#fff" stroke="#1d4ed8"/>'
            f'<text x="{x:.0f}" y="{y + 18:.0f}" font-size="12" text-anchor="middle">{label}</text>'
        )
        parts.append(f'<a href="{escape(href)}">{circle}</a>' if href else circle)
    parts.append(
        f'<circle cx="{cx:.0f}" cy="{cy:.0f}" r="10" fill="#1d4ed8"/>'
        f'<text x="{cx:.0f}" y="{cy - 16:.0f}" font-size="14" font-weight="bold" '
        f'text-anchor="middle">{escape(view.label(node)[:24])}</text></svg>'
    )
    return Markup("".join(parts))


def _links(
    view: View, node: URIRef, outgoing: list[tuple[Any, Any]], incoming: list[tuple[Any, Any]]
) -> list[tuple[str, URIRef, bool]]:
    links = [
        (view.curie(p), o, False) for p, o in outgoing if isinstance(o, URIRef) and p not in _HIDDEN_LINKS
    ]
    links += [(view.curie(p), s, True) for s, p in incoming if p not in _HIDDEN_LINKS]
    return links[:_MAX_NEIGHBOURS]


# ---------------------------------------------------------------- routes


@bp.route("/id/<path:rest>", endpoint="entity")
def entity(rest: str) -> Response | str:
    build = current_build()
    base = iri_base(build)
    node = node_for_path(base)
    ds = build.dataset
    outgoing, incoming = links_of(ds, node)
    if not outgoing:
        raise NotFound(f"没有这个实体：{node} / No such entity.")
    fmt = choose_format()
    if fmt != "html":
        graph = Graph()
        for prefix, ns in ds.namespaces():
            graph.bind(prefix, ns)
        for p, o in outgoing:
            graph.add((node, p, o))
        for s, p in incoming:
            graph.add((s, p, node))
        return rdf_response(graph, fmt)
    iris = {node} | {o for _p, o in outgoing if isinstance(o, URIRef)} | {s for s, _p in incoming[:200]}
    view = View(build, base, iris)
    props = [(view.term(p), view.term(o)) for p, o in outgoing]
    back = [(view.term(s), view.term(p)) for s, p in incoming][:200]
    classes = [view.term(o) for p, o in outgoing if p == RDF.type]
    return render_template(
        "entity.html",
        iri=str(node),
        label=view.label(node),
        classes=classes,
        props=props,
        incoming=back,
        incoming_total=len(incoming),
        sources=sources(build, node, base),
        svg=neighbourhood_svg(view, node, _links(view, node, outgoing, incoming)),
        ontology=None,
        lang="en" if request.args.get("lang") == "en" else "zh",
    )


def ontology_terms(graph: Graph) -> dict[str, list[dict[str, Any]]]:
    """Classes, properties and concepts of the ontology with their zh/en labels and comment."""
    groups = {"classes": [OWL.Class], "properties": [OWL.ObjectProperty, OWL.DatatypeProperty],
              "concepts": [SKOS.Concept]}  # fmt: skip
    out: dict[str, list[dict[str, Any]]] = {}
    for name, types in groups.items():
        rows = []
        for t in types:
            for s in graph.subjects(RDF.type, t):
                if not str(s).startswith(NAMESPACE):
                    continue
                labels = {
                    lit.language: str(lit) for lit in graph.objects(s, RDFS.label) if isinstance(lit, Literal)
                }
                comment = next((str(c) for c in graph.objects(s, RDFS.comment)), "")
                rows.append(
                    {
                        "local": str(s)[len(NAMESPACE) :],
                        "iri": str(s),
                        "zh": labels.get("zh", ""),
                        "en": labels.get("en", ""),
                        "comment": comment,
                    }
                )
        out[name] = sorted(rows, key=lambda r: r["local"])
    return out


@bp.route("/ontology", endpoint="ontology")
def ontology() -> Response | str:
    graph = ontology_graph()
    fmt = choose_format()
    if fmt != "html":
        return rdf_response(graph, fmt)
    return render_template(
        "entity.html",
        iri=NAMESPACE,
        label="规划知识图谱本体 / plankg ontology",
        ontology=ontology_terms(graph),
        lang="en" if request.args.get("lang") == "en" else "zh",
    )
