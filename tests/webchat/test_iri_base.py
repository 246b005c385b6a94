"""With IRI_BASE set to the server's own URL, every IRI the API hands out dereferences on this server."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from rdflib import Graph, URIRef

from tests.conftest import settings_for
from webchat import create_app
from webchat.build import build

BASE = "http://localhost"  # the Flask test client's host


@pytest.fixture(scope="module")
def local_client(tmp_path_factory: pytest.TempPathFactory) -> Any:
    settings = settings_for(tmp_path_factory.mktemp("local-iri"), IRI_BASE=BASE)
    build(settings)
    app = create_app(dict(settings))
    yield app.test_client()
    app.extensions["plankg_sparql"].close()


def test_answer_entities_dereference_as_rdf_and_html(local_client: Any) -> None:
    body = local_client.post("/api/ask", json={"question": "哪些是重点镇？"}).get_json()
    iris = [e["iri"] for e in body["entities"]]
    assert len(iris) == 4 and all(i.startswith(BASE + "/id/pingquan-2021-2035/town/") for i in iris)
    for iri in iris:
        path = urlsplit(iri).path
        ttl = local_client.get(path, headers={"Accept": "text/turtle"})
        assert ttl.status_code == 200, iri
        g = Graph().parse(data=ttl.get_data(as_text=True), format="turtle")
        assert (URIRef(iri), None, None) in g
        html = local_client.get(path, headers={"Accept": "text/html"})
        assert html.status_code == 200 and unquote(path).rsplit("/", 1)[1] in html.get_data(as_text=True)


def test_unknown_entity_is_404_in_the_error_shape(local_client: Any) -> None:
    resp = local_client.get("/id/pingquan-2021-2035/town/不存在镇", headers={"Accept": "application/json"})
    assert resp.status_code == 404
    assert resp.get_json()["ok"] is False
