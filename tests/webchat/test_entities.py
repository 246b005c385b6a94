"""/id/... and /ontology on the real Pingquan build: HTML with sources and SVG, RDF by negotiation, 404s."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient
from rdflib import RDF, Graph, URIRef

from ontology import PLAN

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://w3id.org/plankg"
TOWN_PATH = "/id/pingquan-2021-2035/town/黄土梁子镇"
TOWN = URIRef(BASE + TOWN_PATH)


# `app` and `client` are the session fixtures of tests/conftest.py (one real build of the bundled plan).


def test_entity_html_has_label_class_links_sources_and_svg(client: FlaskClient) -> None:
    resp = client.get(TOWN_PATH, headers={"Accept": "text/html"})
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    html = resp.get_data(as_text=True)
    assert "<h1>黄土梁子镇</h1>" in html
    assert 'href="/ontology#Town"' in html and 'href="/ontology#KeyTown"' in html
    marked = html.split("<mark>", 1)[1].split("</mark>", 1)[0]  # the quoted span, highlighted
    assert "黄土梁子镇" in marked
    assert 'href="/id/pingquan-2021-2035/passage/' in html
    assert "<svg" in html and "<script" not in html.split('<footer class="site-footer">')[0].split("<main")[1]


def test_percent_encoded_path_is_the_same_entity(client: FlaskClient) -> None:
    resp = client.get(quote(TOWN_PATH), headers={"Accept": "text/turtle"})
    assert resp.status_code == 200
    assert (TOWN, RDF.type, PLAN.Town) in Graph().parse(data=resp.data, format="turtle")


@pytest.mark.parametrize(("how", "media"), [
    ({"headers": {"Accept": "text/turtle"}}, "text/turtle"),
    ({"headers": {"Accept": "application/n-triples"}}, "application/n-triples"),
    ({"headers": {"Accept": "application/ld+json"}}, "application/ld+json"),
    ({"query_string": {"format": "ttl"}, "headers": {"Accept": "text/html"}}, "text/turtle"),
    ({"query_string": {"format": "jsonld"}}, "application/ld+json"),
])  # fmt: skip
def test_entity_rdf_by_negotiation(client: FlaskClient, how: dict, media: str) -> None:
    resp = client.get(TOWN_PATH, **how)
    assert resp.status_code == 200 and resp.mimetype == media
    if media == "application/ld+json":
        nodes = {n["@id"]: n for n in json.loads(resp.data)}
        assert str(PLAN.Town) in nodes[str(TOWN)]["@type"]
    else:
        g = Graph().parse(data=resp.data, format="turtle" if media == "text/turtle" else "nt")
        assert (TOWN, PLAN.hasRole, PLAN.KeyTown) in g


@pytest.mark.parametrize("path", ["/id/pingquan-2021-2035", "/id/pingquan-2021-2035/section/5.5"])
def test_plan_and_section_dereference(client: FlaskClient, path: str) -> None:
    resp = client.get(path, headers={"Accept": "text/turtle"})
    assert resp.status_code == 200
    assert len(Graph().parse(data=resp.data, format="turtle").subjects(RDF.type, None).__next__()) > 0


def test_passage_page_links_back(client: FlaskClient) -> None:
    html = client.get(TOWN_PATH).get_data(as_text=True)
    passage = html.split('href="/id/pingquan-2021-2035/passage/', 1)[1].split('"', 1)[0]
    resp = client.get(f"/id/pingquan-2021-2035/passage/{passage}", headers={"Accept": "text/html"})
    assert resp.status_code == 200
    assert 'href="/id/pingquan-2021-2035/town/黄土梁子镇"' in resp.get_data(as_text=True)


@pytest.mark.parametrize("path", [
    "/id/pingquan-2021-2035/town/没有这个镇",
    "/id/no-such-plan",
    "/id/pingquan-2021-2035/notakind/x",
    "/id/pingquan-2021-2035/town",
])  # fmt: skip
def test_unknown_entities_are_404_json(client: FlaskClient, path: str) -> None:
    resp = client.get(path, headers={"Accept": "text/html"})
    assert resp.status_code == 404 and resp.mimetype == "application/json"
    body = resp.get_json()
    assert body["ok"] is False and body["status"] == 404


def test_ontology_html_lists_terms_with_both_labels(client: FlaskClient) -> None:
    html = client.get("/ontology", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'id="Town"' in html and 'id="hasRole"' in html and 'id="KeyTown"' in html
    assert "重点镇" in html and "key town" in html


@pytest.mark.parametrize(("accept", "fmt"), [("text/turtle", "turtle"), ("application/n-triples", "nt")])
def test_ontology_rdf(client: FlaskClient, accept: str, fmt: str) -> None:
    resp = client.get("/ontology", headers={"Accept": accept})
    assert resp.mimetype == accept
    assert (PLAN.Town, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")) in Graph().parse(
        data=resp.data, format=fmt
    )
