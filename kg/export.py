"""The plan graphs as text: TriG (one named graph per plan), or one graph as Turtle / N-Triples."""

from __future__ import annotations

from rdflib import Dataset, Graph

from ingest.errors import BadRequest, NotFound
from kg.build import bind_prefixes, plan_graphs
from kg.iri import graph_iri

FORMATS = {"ttl": "turtle", "nt": "nt", "trig": "trig"}


def _selected(dataset: Dataset, plan: str | None, base: str) -> list[Graph]:
    graphs = plan_graphs(dataset)
    if plan is None:
        return graphs
    name = graph_iri(base, plan)
    chosen = [g for g in graphs if g.identifier == name]
    if not chosen:
        raise NotFound(f"没有这个规划的图：{plan} / no graph for plan {plan!r}")
    return chosen


def export(dataset: Dataset, fmt: str, plan: str | None, base: str) -> str:
    """Serialise the plan graphs (all, or only ``plan``'s) as ``ttl``, ``nt`` or ``trig``.

    Turtle and N-Triples have no graph names: several plans are merged into one graph.
    """
    if fmt not in FORMATS:
        raise BadRequest(f"未知的导出格式：{fmt}（可用：ttl、nt、trig）")
    graphs = _selected(dataset, plan, base)
    if fmt == "trig":
        ds = Dataset()
        for g in graphs:
            ds.graph(g.identifier).__iadd__(g)
        out: Graph = ds
    else:
        out = Graph()
        for g in graphs:
            out += g
    bind_prefixes(out)
    return out.serialize(format=FORMATS[fmt])
