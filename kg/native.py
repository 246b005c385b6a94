"""The query engine of a worker: Oxigraph (pyoxigraph) for every store setting, Oxigraph's serialisers.

- ``open_engine(store, build_dir)``: ``oxigraph`` opens the build's ``oxigraph/`` directory read-only;
  ``memory`` (or a build without that directory) loads the plan graphs (``graph_files``) into an
  in-memory Oxigraph store; ``sparql:<url>`` is a ``RemoteEngine`` that forwards the text to that server.
- ``run_query(engine, job, shape, prefixes)``: the dataset (union default graph only when neither
  the query nor the protocol names one), then the result cut at the row cap and serialised by
  Oxigraph (SELECT/ASK: SPARQL JSON written here from Oxigraph's terms, the other result formats by
  Oxigraph from that JSON; CONSTRUCT/DESCRIBE: ``pyoxigraph.serialize``).
"""

from __future__ import annotations

import itertools
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ingest.errors import QueryRejected

GRAPH_FILE, OXIGRAPH_DIR = "graph.trig", "oxigraph"  # as in kg.store (not imported: no rdflib here)
GRAPHS_DIR = "graphs"  # a build's plan graphs: <plan id>.nq and <plan id>.trig, hard links to the cache
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
RESULTS = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
           "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}  # fmt: skip
GRAPHS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
          "rdfxml": ox.RdfFormat.RDF_XML, "n3": ox.RdfFormat.N3, "nq": ox.RdfFormat.N_QUADS,
          "trig": ox.RdfFormat.TRIG}  # fmt: skip


@dataclass(frozen=True)
class Output:
    body: bytes
    media_type: str
    rows: int  # rows (SELECT), triples (CONSTRUCT/DESCRIBE) or 1 (ASK)
    truncated: bool


class Unfit(Exception):  # noqa: N818 - a signal, not an error: no acceptable format for this form
    def __init__(self, form: str) -> None:
        self.form = form
        super().__init__(form)


def open_engine(store: str, build_dir: Path) -> Any:
    """The engine a worker queries: a pyoxigraph ``Store`` or a ``RemoteEngine``."""
    if store.startswith("sparql:"):
        return RemoteEngine(store[len("sparql:") :])
    if store not in ("oxigraph", "memory"):
        raise ValueError(f"unknown store setting {store!r}")
    directory = build_dir / OXIGRAPH_DIR
    if store == "oxigraph" and directory.is_dir():
        return ox.Store.read_only(str(directory))
    engine = ox.Store()
    for path in graph_files(build_dir, "nq"):
        engine.bulk_load(path=str(path), format=ox.RdfFormat.from_extension(path.suffix[1:]))
    return engine


def graph_files(build_dir: Path, suffix: str = "trig") -> list[Path]:
    """The build's plan graphs, one file per plan in plan-id order (``graphs/*.nq`` or ``*.trig``; a
    build keeps no union file: at 1000 plans it was a 380 MB copy on every build). A directory written
    by ``kg.store.write_graph_files`` holds the union ``graph.trig`` instead."""
    folder = build_dir / GRAPHS_DIR
    files = sorted(folder.glob(f"*.{suffix}")) if folder.is_dir() else []
    if files:
        return files
    if (build_dir / GRAPH_FILE).is_file():
        return [build_dir / GRAPH_FILE]
    raise FileNotFoundError(f"{build_dir} holds neither {GRAPHS_DIR}/*.{suffix} nor {GRAPH_FILE}")


def open_native(store: str, build_dir: Path) -> Any | None:
    """A read-only pyoxigraph Store for the ``oxigraph`` setting when the build has one, else None."""
    directory = build_dir / OXIGRAPH_DIR
    return ox.Store.read_only(str(directory)) if store == "oxigraph" and directory.is_dir() else None


def with_prefixes(text: str, prefixes: dict[str, str]) -> str:
    """Declare the ``prefixes`` that ``text`` uses without declaring them (for a remote server)."""
    declared = {m.group(1) for m in re.finditer(r"(?i)\bPREFIX\s+([\w-]*):", text)}
    used = {m.group(1) for m in re.finditer(r"(?<![\w<])([A-Za-z][\w-]*):", text)}
    lines = [f"PREFIX {p}: <{iri}>" for p, iri in prefixes.items() if p in used and p not in declared]
    return "\n".join([*lines, text]) if lines else text


class RemoteEngine:
    """``store.query`` for an external SPARQL 1.1 server: the text is forwarded, results parsed back."""

    ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"

    def __init__(self, url: str, timeout: float = 60.0) -> None:
        self.url, self.timeout = url, timeout

    def query(self, text: str, *, prefixes: dict[str, str], use_default_graph_as_union: bool = False,
              default_graph: list[Any] | None = None, named_graphs: list[Any] | None = None) -> Any:
        params = [("query", with_prefixes(text, prefixes))]
        params += [("default-graph-uri", g.value) for g in default_graph or []]
        params += [("named-graph-uri", g.value) for g in named_graphs or []]
        req = urllib.request.Request(self.url, data=urllib.parse.urlencode(params).encode(), headers={
            "Accept": self.ACCEPT, "Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310 (configured URL)
                body, media = resp.read(), resp.headers.get_content_type()
        except urllib.error.HTTPError as err:
            if 400 <= err.code < 500:
                detail = err.read().decode("utf-8", "replace")[:300]
                raise QueryRejected(f"外部存储拒绝了查询：{detail} / The store rejected the query: {detail}") from None
            raise
        if media == "application/n-triples":
            return (q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
        return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)


def _term(term: Any) -> dict[str, Any]:
    kind = type(term)  # exact types first: the common terms of a result, without an isinstance chain
    if kind is ox.NamedNode:
        return {"type": "uri", "value": term.value}
    if kind is ox.Literal:
        if term.language:
            return {"type": "literal", "value": term.value, "xml:lang": term.language}
        datatype = term.datatype.value
        if datatype == _XSD_STRING or datatype == _LANG_STRING:
            return {"type": "literal", "value": term.value}
        return {"type": "literal", "value": term.value, "datatype": datatype}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": _term(term.subject), "predicate": _term(term.predicate),
                                            "object": _term(term.object)}}  # fmt: skip
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value not in (_XSD_STRING, _LANG_STRING):
        out["datatype"] = term.datatype.value
    return out


def rows_json(result: Any, max_rows: int) -> tuple[bytes, int, bool]:
    """``(SPARQL JSON body, rows, truncated)`` of a SELECT result cut at ``max_rows``."""
    names = [v.value for v in result.variables]
    rows = list(itertools.islice(result, max_rows + 1))
    truncated, rows = len(rows) > max_rows, rows[:max_rows]
    # a solution unpacks in the order of ``variables``: much cheaper than a lookup by name
    bindings = [{n: _term(t) for n, t in zip(names, row, strict=True) if t is not None} for row in rows]
    body = json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}}, ensure_ascii=False)
    return body.encode("utf-8"), len(rows), truncated


def native_json(store: Any, text: str, max_rows: int, prefixes: dict[str, str] | None = None) -> tuple[bytes, int, bool]:
    """A SELECT or ASK query on the union default graph, as SPARQL JSON (kept for callers and tests)."""
    result = store.query(text, prefixes=prefixes or {}, use_default_graph_as_union=True)
    if isinstance(result, ox.QueryBoolean):
        return json.dumps({"head": {}, "boolean": bool(result)}).encode(), 1, False
    return rows_json(result, max_rows)


def used_prefixes(triples: list[Any], prefixes: dict[str, str]) -> dict[str, str]:
    """The prefixes whose namespace starts an IRI of ``triples`` (a short, readable Turtle head)."""
    iris = {t.value for tr in triples for t in (tr.subject, tr.predicate, tr.object) if isinstance(t, ox.NamedNode)}
    iris |= {tr.object.datatype.value for tr in triples if isinstance(tr.object, ox.Literal)}
    return {p: ns for p, ns in prefixes.items() if any(i.startswith(ns) for i in iris)}


def _media(fmt: Any) -> str:
    return str(fmt.media_type).split(";")[0]  # Oxigraph says "text/csv; charset=utf-8"; the caller adds it


def serialise(result: Any, rows_format: str | None, graph_format: str | None, max_rows: int,
              prefixes: dict[str, str]) -> Output:
    """The result in the acceptable format for its form; ``Unfit`` when there is none."""
    if isinstance(result, ox.QueryBoolean):
        if rows_format is None:
            raise Unfit("ASK")
        fmt = RESULTS[rows_format]
        return Output(result.serialize(format=fmt) or b"", _media(fmt), 1, False)
    if isinstance(result, ox.QuerySolutions):
        if rows_format is None:
            raise Unfit("SELECT")
        body, rows, truncated = rows_json(result, max_rows)
        fmt = RESULTS[rows_format]
        if rows_format != "json":
            body = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON).serialize(format=fmt) or b""
        return Output(body, _media(fmt), rows, truncated)
    if graph_format is None:
        raise Unfit("CONSTRUCT")
    triples = list(itertools.islice(result, max_rows + 1))
    truncated, triples = len(triples) > max_rows, triples[:max_rows]
    rdf = GRAPHS[graph_format]
    body = ox.serialize(triples, format=rdf, prefixes=used_prefixes(triples, prefixes)) or b""
    return Output(body, _media(rdf), len(triples), truncated)


def dataset_args(shape: Any, default_graphs: list[str] | None, named_graphs: list[str] | None) -> dict[str, Any]:
    """``Store.query`` dataset arguments: the protocol's graphs if given (they override the query's),
    else the query's own FROM / FROM NAMED, else the union of all graphs as the default graph."""
    if default_graphs is not None or named_graphs is not None:
        return {"default_graph": [ox.NamedNode(g) for g in default_graphs or []],
                "named_graphs": [ox.NamedNode(g) for g in named_graphs or []]}  # fmt: skip
    if shape.has_dataset:
        return {}
    return {"use_default_graph_as_union": True}


def prefixes_for(text: str, prefixes: dict[str, str]) -> dict[str, str]:
    """The ``prefixes`` ``text`` can use: a prefixed name ``p:…`` spells ``p:``, unless the text holds
    ``\\u`` escapes (then all). Handing Oxigraph 30 unused prefixes costs more than this check."""
    if "\\u" in text or "\\U" in text:
        return prefixes
    return {p: ns for p, ns in prefixes.items() if p + ":" in text}


def run_query(engine: Any, job: Any, shape: Any, prefixes: dict[str, str]) -> Output:
    """Execute ``job`` (a ``kg.sparql.QueryJob``) and serialise its result; SyntaxError for a bad text."""
    result = engine.query(job.text, prefixes=prefixes_for(job.text, prefixes),
                          **dataset_args(shape, job.default_graphs, job.named_graphs))  # fmt: skip
    return serialise(result, job.rows_format, job.graph_format, job.max_rows, prefixes)
