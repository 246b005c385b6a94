"""IRI minting and its inverse."""

from __future__ import annotations

import pytest

from kg.iri import (
    EntityPath,
    encode_segment,
    entity_iri,
    graph_iri,
    parse_entity_iri,
    parse_entity_path,
    passage_iri,
    plan_iri,
    section_iri,
)
from ontology import PLAN

BASE = "https://w3id.org/plankg"
PLAN_ID = "pingquan-2021-2035"


def test_contract_examples() -> None:
    assert str(entity_iri(BASE, PLAN_ID, "Town", "黄土梁子镇")) == (
        "https://w3id.org/plankg/id/pingquan-2021-2035/town/黄土梁子镇"
    )
    assert str(passage_iri(BASE, PLAN_ID, "p-0123456789ab")) == f"{BASE}/id/{PLAN_ID}/passage/p-0123456789ab"
    assert str(section_iri(BASE, PLAN_ID, "4.2")) == f"{BASE}/id/{PLAN_ID}/section/4.2"
    assert str(plan_iri(BASE + "/", PLAN_ID)) == f"{BASE}/id/{PLAN_ID}"
    assert str(graph_iri(BASE, PLAN_ID)) == f"{BASE}/graph/{PLAN_ID}"
    assert entity_iri(BASE, PLAN_ID, "Concept", "KeyTown") == PLAN.KeyTown


@pytest.mark.parametrize(
    ("key", "encoded"),
    [
        pytest.param("黄土梁子镇", "黄土梁子镇", id="chinese-kept"),
        pytest.param("城镇化率 2035", "城镇化率%202035", id="space"),
        pytest.param("a/b?c#d%e", "a%2Fb%3Fc%23d%25e", id="delimiters"),
        pytest.param('<"{|}\\^`>', "%3C%22%7B%7C%7D%5C%5E%60%3E", id="iri-forbidden"),
        pytest.param("≥65%", "≥65%25", id="symbols"),
    ],
)
def test_encode_segment(key: str, encoded: str) -> None:
    assert encode_segment(key) == encoded


@pytest.mark.parametrize("key", ["黄土梁子镇", "a/b c%d", "一心四极-一心", "p-0123456789ab"])
@pytest.mark.parametrize("kind", ["Town", "NatureReserve", "Indicator", "Passage", "Section"])
def test_parse_is_the_inverse(kind: str, key: str) -> None:
    iri = entity_iri(BASE, PLAN_ID, kind, key)
    assert parse_entity_iri(BASE, str(iri)) == EntityPath(PLAN_ID, kind, key)
    assert parse_entity_path(str(iri)[len(BASE) :]) == EntityPath(PLAN_ID, kind, key)


def test_parse_plan_and_decoded_slash() -> None:
    assert parse_entity_path(f"/id/{PLAN_ID}") == EntityPath(PLAN_ID, "Plan", PLAN_ID)
    assert parse_entity_path(f"id/{PLAN_ID}/town/a/b") == EntityPath(PLAN_ID, "Town", "a/b")


@pytest.mark.parametrize("path", ["/graph/x", "/id/", "/id/p/town", "/id/p/nosuchkind/k", "/id/p/town/"])
def test_parse_rejects(path: str) -> None:
    with pytest.raises(ValueError, match="path|kind"):
        parse_entity_path(path)


def test_unknown_kind_and_concept() -> None:
    with pytest.raises(ValueError):
        entity_iri(BASE, PLAN_ID, "Village", "x")
    with pytest.raises(AttributeError):
        entity_iri(BASE, PLAN_ID, "Concept", "Capital")
