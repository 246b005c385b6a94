"""The JSON API against the real build: answers with citations that resolve to verbatim plan text,
and every body matches the schema the OpenAPI document promises."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import PLAN_TEXT

PLAN = "pingquan-2021-2035"
SEWAGE = "城镇污水集中处理率要达到多少？"


@pytest.fixture(scope="module")
def doc(app: Any) -> dict[str, Any]:
    return app.test_client().get("/api/openapi.json").get_json()


@pytest.fixture(scope="module")
def check(doc: dict[str, Any]) -> Any:
    """check(body, "AskResponse"): validate against the document's own component schema."""
    from openapi_schema_validator import OAS31Validator

    def run(body: Any, name: str) -> None:
        schema = {"$ref": f"#/components/schemas/{name}", "components": doc["components"]}
        OAS31Validator(schema).validate(body)

    return run


@pytest.fixture(scope="module")
def plan_text() -> str:
    return PLAN_TEXT.read_text(encoding="utf-8")


def test_ask_answers_with_resolvable_citations(client: Any, check: Any, plan_text: str) -> None:
    resp = client.post("/api/ask", json={"question": SEWAGE, "plan": PLAN})
    assert resp.status_code == 200
    body = resp.get_json()
    check(body, "AskResponse")
    assert body["question"] == SEWAGE and body["plan"] == PLAN
    assert body["answered"] is True and body["citations"]
    numbers = re.findall(r"\d+(?:\.\d+)?", body["answer"])
    assert numbers, body["answer"]
    cited = "\n".join(c["text"] for c in body["citations"])
    assert all(n in cited for n in numbers)
    for c in body["citations"]:
        assert c["quote"] in c["text"]
        assert c["url"] == f"/api/passages/{c['id']}"
        passage = client.get(c["url"]).get_json()
        check(passage, "Passage")
        assert passage["text"] == c["text"] == plan_text[passage["start"]:passage["end"]]


def test_ask_accepts_no_plan_and_null_plan(client: Any, check: Any) -> None:
    for payload in ({"question": SEWAGE}, {"question": SEWAGE, "plan": None}, {"question": SEWAGE, "plan": ""}):
        body = client.post("/api/ask", json=payload).get_json()
        check(body, "AskResponse")
        assert body["plan"] == "pingquan-2021-2035" and body["citations"]  # the plan it was answered from


def test_ask_top_k_and_extra_fields(client: Any, check: Any) -> None:
    body = client.post("/api/ask", json={"question": "有几个森林公园？", "top_k": 1, "extra": [1]}).get_json()
    check(body, "AskResponse")


def test_ask_question_is_trimmed_and_kept_as_text(client: Any) -> None:
    body = client.post("/api/ask", json={"question": "  <b>森林公园</b>\n"}).get_json()
    assert body["question"] == "<b>森林公园</b>"


def test_ask_declines_off_topic(client: Any, check: Any) -> None:
    body = client.post("/api/ask", json={"question": "明天的天气怎么样？"}).get_json()
    check(body, "AskResponse")
    assert body["answered"] is False and body["mode"] == "declined"


def test_json_is_utf8_not_escaped(client: Any) -> None:
    raw = client.post("/api/ask", json={"question": SEWAGE}).get_data()
    assert "城镇污水".encode() in raw


def test_search(client: Any, check: Any, plan_text: str) -> None:
    body = client.get("/api/search", query_string={"q": "森林公园", "k": 3, "plan": PLAN}).get_json()
    check(body, "SearchResponse")
    assert body["query"] == "森林公园" and body["plan"] == PLAN
    assert len(body["results"]) == 3
    scores = [r["score"] for r in body["results"]]
    assert scores == sorted(scores, reverse=True)
    assert any("森林公园" in r["text"] for r in body["results"])
    for r in body["results"]:
        assert r["text"] in plan_text
        assert client.get(r["url"]).status_code == 200


def test_search_default_k(client: Any) -> None:
    assert len(client.get("/api/search?q=生态保护红线").get_json()["results"]) == 5


def test_plans(client: Any, check: Any) -> None:
    body = client.get("/api/plans").get_json()
    check(body, "Plans")
    plan = {p["id"]: p for p in body["plans"]}[PLAN]
    assert plan["period"] == [2021, 2035]
    assert "平泉" in plan["title"]


def test_health(client: Any, check: Any, the_build: Any) -> None:
    body = client.get("/api/health").get_json()
    check(body, "Health")
    assert body["ok"] is True and body["build"] == the_build.build_id
    assert body["passages"] == len(the_build.passages) > 0
    assert body["warning"] is None


def test_every_error_body_matches_the_error_schema(client: Any, check: Any) -> None:
    for resp in (client.post("/api/ask", json={}), client.get("/api/passages/nope"),
                 client.post("/api/ask", data="x", content_type="text/plain")):
        check(resp.get_json(), "Error")


def test_ask_lang_sets_the_language_of_the_systems_own_sentences(client: Any) -> None:
    zh = client.post("/api/ask", json={"question": "明天的足球比赛谁会赢？"}).get_json()
    en = client.post("/api/ask", json={"question": "明天的足球比赛谁会赢？", "lang": "en"}).get_json()
    assert zh["mode"] == en["mode"] and zh["mode"] in ("declined", "not_stated")
    assert "规划" in zh["answer"] and "plan" in en["answer"]
    bad = client.post("/api/ask", json={"question": "人口多少", "lang": "fr"})
    assert bad.status_code == 400 and bad.get_json()["ok"] is False
