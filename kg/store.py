"""Graph stores chosen by a setting string, and loading plan graphs into an external SPARQL server.

Settings (``open_store``):
- ``oxigraph`` (default): Oxigraph through oxrdflib. Opens the build's ``oxigraph/`` directory
  read-only; without it, loads the plan graphs (``kg.native.graph_files``) into memory.
- ``memory``: rdflib's in-memory store, parsed from the plan graphs' TriG files.
- ``sparql:<query-endpoint-url>``: a remote SPARQL 1.1 endpoint through rdflib's ``SPARQLStore``
  (read-only). The server must itself answer the default graph as the union of the named graphs
  (``oxigraph serve --union-default-graph``, Fuseki ``tdb2:unionDefaultGraph``).

In every setting the returned dataset's default graph is the union of the plan graphs.
"""

from __future__ import annotations

import io
import json
import shutil
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph, URIRef

from kg.build import bind_prefixes, plan_graphs, quiet_dataset_deprecations

GRAPH_FILE = "graph.trig"
OXIGRAPH_DIR = "oxigraph"
DEFAULT_SETTING = "oxigraph"
_INSERT_CHUNK = 20_000  # triples per INSERT DATA request


class StoreError(RuntimeError):
    """A store setting that cannot be opened, or a remote endpoint that refused the data."""


def write_graph_files(dataset: Dataset, build_dir: Path) -> None:
    """Write ``graph.trig`` and the Oxigraph directory ``oxigraph/`` into ``build_dir``."""
    import pyoxigraph as ox

    build_dir.mkdir(parents=True, exist_ok=True)
    trig = build_dir / GRAPH_FILE
    serialize_trig(dataset, trig)
    target = build_dir / OXIGRAPH_DIR
    if target.exists():
        shutil.rmtree(target)
    store = ox.Store(str(target))
    store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
    store.flush()
    store.optimize()
    del store  # closes RocksDB so readers may open the directory read-only


def serialize_trig(dataset: Dataset, path: Path) -> None:
    """The plan graphs as TriG, graphs in IRI order (rdflib sorts subjects within a graph)."""
    out = Dataset()
    bind_prefixes(out)
    for graph in plan_graphs(dataset):
        out.graph(graph.identifier).__iadd__(graph)
    with quiet_dataset_deprecations():
        path.write_bytes(out.serialize(format="trig", encoding="utf-8"))


def open_store(setting: str, build_dir: Path) -> Dataset:
    """Open the plan graphs of ``build_dir`` (or a remote endpoint) as a read-mostly Dataset."""
    if setting == "memory":
        ds = Dataset(store="Memory", default_union=True)
        for path in _graph_files(build_dir, "trig"):
            with quiet_dataset_deprecations(), path.open("rb") as source:
                # rdflib's own parser keeps plain literals plain ("x", not "x"^^xsd:string as Oxigraph's
                # parser spells them), so a query's "万人" matches in rdflib's engine.
                ds.parse(file=source, format="trig")
        bind_prefixes(ds)
        return ds
    if setting == "oxigraph":
        return _open_oxigraph(build_dir)
    if setting.startswith("sparql:"):
        return _open_sparql(setting[len("sparql:") :])
    raise StoreError(f"unknown store setting {setting!r}: expected oxigraph, memory or sparql:<url>")


def _open_oxigraph(build_dir: Path) -> Dataset:
    import pyoxigraph as ox
    from oxrdflib import OxigraphStore

    directory = build_dir / OXIGRAPH_DIR
    if directory.is_dir():
        inner = ox.Store.read_only(str(directory))
    else:
        inner = ox.Store()
        for path in _graph_files(build_dir, "nq"):
            inner.bulk_load(path=str(path), format=ox.RdfFormat.from_extension(path.suffix[1:]))
    ds = Dataset(store=OxigraphStore(store=inner), default_union=True)
    bind_prefixes(ds)
    return ds


def _graph_files(build_dir: Path, suffix: str) -> list[Path]:
    from kg.native import graph_files

    try:
        return graph_files(build_dir, suffix)
    except FileNotFoundError as err:
        raise StoreError(str(err)) from err


def _open_sparql(query_url: str) -> Dataset:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    if not query_url.startswith(("http://", "https://")):
        raise StoreError(f"sparql setting needs an http(s) query endpoint, got {query_url!r}")
    store = SPARQLStore(query_endpoint=query_url, returnFormat="json")
    ds = Dataset(store=store, default_union=True)
    bind_prefixes(ds)
    return ds


def _post(url: str, body: bytes, content_type: str, accept: str, timeout: float) -> bytes:
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": content_type, "Accept": accept}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (configured URL)
            return bytes(response.read())
    except urllib.error.HTTPError as err:
        detail = err.read().decode("utf-8", "replace")[:500]
        raise StoreError(f"{url} answered {err.code}: {detail}") from err


def _update(update_url: str, update: str, timeout: float) -> None:
    _post(update_url, update.encode("utf-8"), "application/sparql-update; charset=utf-8", "*/*", timeout)


def _count(query_url: str, graph: URIRef, timeout: float) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    body = urllib.parse.urlencode({"query": query}).encode("ascii")
    raw = _post(
        query_url, body, "application/x-www-form-urlencoded", "application/sparql-results+json", timeout
    )
    return int(json.loads(raw)["results"]["bindings"][0]["n"]["value"])


def remote_graphs(query_url: str, *, timeout: float = 60.0) -> set[str]:
    """The named graphs an external SPARQL 1.1 server holds now (``GRAPH ?g {}``: no triples read)."""
    body = urllib.parse.urlencode({"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"}).encode("ascii")
    raw = _post(
        query_url, body, "application/x-www-form-urlencoded", "application/sparql-results+json", timeout
    )
    return {str(row["g"]["value"]) for row in json.loads(raw)["results"]["bindings"] if "g" in row}


def _chunks(graph: Graph) -> list[str]:
    lines = sorted(graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines())
    lines = [line for line in lines if line.strip()]
    return ["\n".join(lines[i : i + _INSERT_CHUNK]) for i in range(0, len(lines), _INSERT_CHUNK)]


def push_to_endpoint(
    dataset: Dataset, query_url: str, update_url: str, *, timeout: float = 60.0
) -> dict[str, int]:
    """Replace each plan graph on a SPARQL 1.1 server (DROP SILENT GRAPH + INSERT DATA), then check it.

    Returns ``{graph IRI: triples now on the server}``; raises ``StoreError`` when the server refuses
    an update or holds a different number of triples afterwards.
    """
    pushed: dict[str, int] = {}
    for graph in plan_graphs(dataset):
        name = URIRef(str(graph.identifier))
        chunks = _chunks(graph)
        for i, chunk in enumerate(chunks):
            drop = f"DROP SILENT GRAPH <{name}> ;\n" if i == 0 else ""
            _update(update_url, f"{drop}INSERT DATA {{ GRAPH <{name}> {{\n{chunk}\n}} }}", timeout)
        count = _count(query_url, name, timeout)
        if count != len(graph):
            raise StoreError(f"{name}: server holds {count} triples, expected {len(graph)}")
        pushed[str(name)] = count
    return pushed


_LOAD_BYTES = 128 << 20


def _batches(paths: list[Path], limit: int) -> list[list[Path]]:
    """``paths`` in order, cut into runs of at most ``limit`` bytes (a longer file alone)."""
    out: list[list[Path]] = []
    size = limit
    for path in paths:
        n = path.stat().st_size
        if size + n > limit:
            out.append([])
            size = 0
        out[-1].append(path)
        size += n
    return out


class _Chain(io.RawIOBase):
    """The bytes of ``paths`` one after another, read as one stream (N-Quads files end with a newline)."""

    def __init__(self, paths: list[Path]) -> None:
        self._paths: list[Path] = list(reversed(paths))
        self._current: Any = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while True:
            if self._current is None:
                if not self._paths:
                    return 0
                self._current = self._paths.pop().open("rb")
            n = self._current.readinto(buffer)
            if n:
                return n
            self._current.close()
            self._current = None

    def close(self) -> None:
        if self._current is not None:
            self._current.close()
        super().close()


def write_store(build_dir: Path, graphs: dict[str, Path], previous: Path | None = None,
                stale: set[str] | frozenset[str] = frozenset()) -> None:
    """The Oxigraph directory of ``build_dir`` from per-plan N-Quads (``graph IRI → file``).

    With ``previous`` (an older build's ``oxigraph/``), start from a copy of it (RocksDB hard links:
    no data copied), drop the graphs in ``stale`` (changed or removed plans) and load only the graphs
    not already there; otherwise load every graph into a fresh store."""
    import pyoxigraph as ox

    target = build_dir / OXIGRAPH_DIR
    if target.exists():
        shutil.rmtree(target)
    if previous is not None:
        ox.Store.read_only(str(previous)).backup(str(target))
        store = ox.Store(str(target))
        for name in sorted(stale):
            store.remove_graph(ox.NamedNode(name))
        present = {str(g.value) for g in store.named_graphs()}
        load = {name: path for name, path in graphs.items() if name not in present}
        for name in sorted(set(present) - set(graphs)):
            store.remove_graph(ox.NamedNode(name))
    else:
        store, load = ox.Store(str(target)), graphs
    for batch in _batches([load[name] for name in sorted(load)], _LOAD_BYTES):
        # one bulk load per ~128 MB of files read as one stream: 1000 plans in 59 s instead of 72 s with
        # one load per file, at ~0.6 GB (one load over all of them: 47 s but 1.5 GB, growing with N)
        store.bulk_load(input=io.BufferedReader(_Chain(batch), 1 << 20), format=ox.RdfFormat.N_QUADS)
    store.flush()
    if previous is None:
        store.optimize()
    del store  # closes RocksDB so readers may open the directory read-only


def _nt_chunks(trig_part: Path) -> list[str]:
    """N-Triples lines of one plan's TriG block (``kg.build.plan_files``), in INSERT-sized chunks."""
    lines = trig_part.read_text("utf-8").splitlines()[1:-1]
    return ["\n".join(lines[i : i + _INSERT_CHUNK]) for i in range(0, len(lines), _INSERT_CHUNK)] or [""]


def push_plans(query_url: str, update_url: str, graphs: dict[str, Path], stale: set[str],
               *, timeout: float = 60.0) -> dict[str, int]:
    """Per-plan updates of an external SPARQL 1.1 server: ``DROP SILENT GRAPH`` for every graph in
    ``stale`` (changed or removed plans), then ``INSERT DATA`` for those of them still in ``graphs``
    (``graph IRI → the plan's TriG block``); unchanged graphs are not touched. Returns the triples
    now on the server per pushed graph; raises ``StoreError`` on a refusal or a wrong count."""
    pushed: dict[str, int] = {}
    for name in sorted(stale):
        _update(update_url, f"DROP SILENT GRAPH <{name}>", timeout)
        if name not in graphs:
            continue
        chunks = _nt_chunks(graphs[name])
        for chunk in chunks:
            _update(update_url, f"INSERT DATA {{ GRAPH <{name}> {{\n{chunk}\n}} }}", timeout)
        expected = sum(1 for c in chunks for line in c.splitlines() if line.strip())
        count = _count(query_url, URIRef(name), timeout)
        if count != expected:
            raise StoreError(f"{name}: server holds {count} triples, expected {expected}")
        pushed[name] = count
    return pushed
