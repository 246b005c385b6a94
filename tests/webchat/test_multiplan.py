"""Three plans in one build: the real Pingquan plan and both synthetic county plans, served side by side."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kg.examples import BY_ID
from tests.conftest import ROOT, TEST_PLANS, settings_for

PLAN_STEMS = (ROOT / "data" / "plans" / "pingquan-2021-2035", TEST_PLANS / "synthetic-county-a",
              TEST_PLANS / "synthetic-county-b")  # fmt: skip
PLAN_IDS = {"pingquan-2021-2035", "synthetic-county-a", "synthetic-county-b"}
# Key towns each plan names (tests/data/README.md for the synthetic ones, plan 5.1 for Pingquan).
KEY_TOWNS = {"synthetic-county-a": {"石门镇", "松岗镇", "鹤鸣镇"}, "synthetic-county-b": {"金坪镇", "石岭镇"}}


def copy_plans(folder: Path, stems: tuple[Path, ...] = PLAN_STEMS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for stem in stems:
        for suffix in (".md", ".json"):
            shutil.copy(stem.with_suffix(suffix), folder)
    return folder


@pytest.fixture(scope="module")
def multi(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from webchat.build import build

    plans = copy_plans(tmp_path_factory.mktemp("plans"))
    settings = settings_for(tmp_path_factory.mktemp("var"), PLANS_DIR=str(plans))
    build(settings)
    return settings


@pytest.fixture(scope="module")
def mclient(multi: Any) -> Any:
    from webchat import create_app

    app = create_app({"DATA_DIR": multi["DATA_DIR"], "PLANS_DIR": multi["PLANS_DIR"], "RATE_LIMIT": "off"})
    return app.test_client()


def ask(client: Any, question: str, plan: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"question": question}
    if plan:
        body["plan"] = plan
    resp = client.post("/api/ask", json=body)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()  # type: ignore[no-any-return]


def sparql_rows(client: Any, query: str) -> list[dict[str, str]]:
    resp = client.post("/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return [{k: v["value"] for k, v in b.items()} for b in resp.get_json()["results"]["bindings"]]


def test_all_three_plans_listed(mclient: Any) -> None:
    plans = mclient.get("/api/plans").get_json()["plans"]
    assert {p["id"] for p in plans} == PLAN_IDS
    assert all(p["title"].endswith("国土空间总体规划（2021—2035年）") for p in plans)
    health = mclient.get("/api/health").get_json()
    assert health["counts"]["plans"] == len(PLAN_IDS) and "plans" not in health


def test_manifest_counts_cover_every_plan(multi: Any) -> None:
    manifest = json.loads((Path(multi["DATA_DIR"]) / "current" / "manifest.json").read_text("utf-8"))
    assert {p["id"] for p in manifest["plans"]} == PLAN_IDS
    assert all(len(p["sha256"]) == 64 for p in manifest["plans"])


@pytest.mark.parametrize("plan", sorted(PLAN_IDS))
def test_ask_with_plan_cites_only_that_plan(mclient: Any, plan: str) -> None:
    for question in ("哪些是重点镇？", "规划的生态保护红线有什么要求？"):
        result = ask(mclient, question, plan)
        assert result["plan"] == plan
        assert result["citations"], question
        assert {c["plan"] for c in result["citations"]} == {plan}, question


@pytest.mark.parametrize(("plan", "towns"), sorted(KEY_TOWNS.items()))
def test_key_towns_of_one_plan(mclient: Any, plan: str, towns: set[str]) -> None:
    result = ask(mclient, "哪些是重点镇？", plan)
    assert result["mode"] == "graph"
    assert all(t in result["answer"] for t in towns)
    other = set().union(*(v for k, v in KEY_TOWNS.items() if k != plan))
    assert not any(t in result["answer"] for t in other)


def test_without_a_plan_an_ambiguous_question_asks_which_plan(mclient: Any) -> None:
    result = ask(mclient, "哪些是重点镇？")
    assert result["mode"] == "clarify" and not result["answered"]
    assert {p["id"] for p in result["plans"]} <= PLAN_IDS and len(result["plans"]) >= 2
    assert not result["citations"]  # never one line per plan for every plan


@pytest.mark.parametrize(("county", "plan"), [("青岚县", "synthetic-county-a"), ("澄溪县", "synthetic-county-b")])
def test_a_question_naming_a_county_is_answered_from_that_county(mclient: Any, county: str, plan: str) -> None:
    result = ask(mclient, f"{county}有哪些重点镇？")
    assert result["answered"] and result["plan"] == plan
    assert {c["plan"] for c in result["citations"]} == {plan}
    assert all(t in result["answer"] for t in KEY_TOWNS[plan])
    for c in result["citations"]:
        passage = mclient.get(c["url"]).get_json()
        assert passage["plan"] == c["plan"] and c["quote"] in passage["text"]


def test_sparql_counts_towns_per_plan(mclient: Any, multi: Any) -> None:
    from ingest.serialize import load_records

    rows = sparql_rows(mclient, BY_ID["counts-per-plan"].query)
    towns = {r["plan"]: int(r["towns"]) for r in rows}
    assert set(towns) == PLAN_IDS
    _plans, _sections, passages, facts = load_records((Path(multi["DATA_DIR"]) / "current").resolve())
    plan_of = {p.id: p.plan for p in passages}
    expected: dict[str, set[str]] = {}
    for f in facts:
        if f.kind in ("Town", "Township"):
            expected.setdefault(plan_of[f.passage], set()).add(f.key)
    assert towns == {plan: len(keys) for plan, keys in expected.items()}
    assert all(n > 0 for n in towns.values())


def test_sparql_indicator_subjects_shared_across_plans(mclient: Any) -> None:
    rows = sparql_rows(mclient, BY_ID["shared-indicator-subjects"].query)
    by_subject: dict[str, set[str]] = {}
    for r in rows:
        by_subject.setdefault(r["subject"], set()).add(r["plan"])
    assert by_subject, "no indicator subject appears in two plans"
    assert all(len(plans) > 1 for plans in by_subject.values())
    # Both synthetic plans state a 城镇污水集中处理率 and a 森林覆盖率 (tests/data/README.md).
    assert any({"synthetic-county-a", "synthetic-county-b"} <= plans for plans in by_subject.values())


def test_sparql_named_graph_holds_one_plan(mclient: Any) -> None:
    rows = sparql_rows(mclient, BY_ID["plans"].query)
    assert {r["plan"] for r in rows} == PLAN_IDS
    assert len({r["graph"] for r in rows}) == 3
    assert all(r["graph"].endswith("/graph/" + r["plan"]) for r in rows)


@pytest.mark.parametrize("plan", sorted(PLAN_IDS))
def test_search_with_plan_filter(mclient: Any, plan: str) -> None:
    resp = mclient.get("/api/search", query_string={"q": "生态保护红线", "plan": plan, "k": 10})
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["plan"] == plan
    assert body["results"]
    assert {r["plan"] for r in body["results"]} == {plan}


def test_search_without_plan_spans_plans(mclient: Any) -> None:
    body = mclient.get("/api/search", query_string={"q": "生态保护红线", "k": 20}).get_json()
    assert len({r["plan"] for r in body["results"]}) > 1


@pytest.mark.parametrize(("method", "path", "kwargs"), [
    ("post", "/api/ask", {"json": {"question": "哪些是重点镇？", "plan": "no-such-plan"}}),
    ("get", "/api/search", {"query_string": {"q": "生态", "plan": "no-such-plan"}}),
])
def test_unknown_plan_is_404(mclient: Any, method: str, path: str, kwargs: dict[str, Any]) -> None:
    resp = getattr(mclient, method)(path, **kwargs)
    assert resp.status_code == 404
    body = resp.get_json()
    assert body["ok"] is False and body["status"] == 404
    assert "no-such-plan" in body["error"]


def test_cli_ingest_adds_a_plan_file_to_the_bundled_plans(tmp_path: Path) -> None:
    plans = copy_plans(tmp_path / "plans")
    data_dir = tmp_path / "var"
    cli = [sys.executable, "-m", "webchat.cli", "--data-dir", str(data_dir)]
    proc = subprocess.run([*cli, "ingest", "--quiet", str(plans / "synthetic-county-a.md")], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads((data_dir / "current" / "manifest.json").read_text("utf-8"))
    assert [p["id"] for p in manifest["plans"]] == ["pingquan-2021-2035", "synthetic-county-a"]


def test_cli_ingest_only_one_plan_file(tmp_path: Path) -> None:
    plans = copy_plans(tmp_path / "plans")
    data_dir = tmp_path / "var"
    cli = [sys.executable, "-m", "webchat.cli", "--data-dir", str(data_dir)]
    proc = subprocess.run([*cli, "ingest", "--quiet", "--only", str(plans / "synthetic-county-b.md")], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads((data_dir / "current" / "manifest.json").read_text("utf-8"))
    assert [p["id"] for p in manifest["plans"]] == ["synthetic-county-b"]
    assert manifest["plans"][0]["title"] == "澄溪县国土空间总体规划（2021—2035年）"
    stats = subprocess.run([*cli, "stats"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert stats.returncode == 0, stats.stderr
    assert "plans: synthetic-county-b" in stats.stdout


def test_held_out_questions_naming_a_county_are_answered_from_it_alone(mclient: Any) -> None:
    from retrieval.evaluate import load_questions

    qs = [q for q in load_questions(ROOT / "tests/data/heldout_questions.jsonl") if q.scope == "multi"]
    assert len(qs) >= 10
    for q in qs:
        result = ask(mclient, q.question)
        assert result["mode"] != "clarify", q.question
        assert result["plan"] == q.plan, q.question
        assert {c["plan"] for c in result["citations"]} <= {q.plan}, q.question


def test_a_plan_named_in_the_question_overrides_the_page_plan(mclient: Any) -> None:
    body = ask(mclient, "青岚县城镇污水集中处理率要达到多少？", "pingquan-2021-2035")
    assert body["answered"] and body["plan"] == "synthetic-county-a"
    assert "98%" in body["answer"]
    assert {c["plan"] for c in body["citations"]} == {"synthetic-county-a"}


def test_plans_are_paged(mclient: Any) -> None:
    body = mclient.get("/api/plans", query_string={"offset": 1, "limit": 1}).get_json()
    assert body["total"] == 3 and body["offset"] == 1 and body["limit"] == 1
    assert [p["id"] for p in body["plans"]] == ["synthetic-county-a"]
    assert set(body["plans"][0]) == {"id", "title", "publisher", "issued", "period", "level", "region"}
    assert mclient.get("/api/plans", query_string={"offset": 5}).get_json()["plans"] == []


@pytest.mark.parametrize(("q", "ids"), [
    ("平泉", {"pingquan-2021-2035"}), ("pingquan", {"pingquan-2021-2035"}), ("PQS", {"pingquan-2021-2035"}),
    ("county-b", {"synthetic-county-b"}), ("澄溪", {"synthetic-county-b"}), ("国土空间", PLAN_IDS),
    ("埃菲尔", set()),
])
def test_plans_are_searchable(mclient: Any, q: str, ids: set[str]) -> None:
    body = mclient.get("/api/plans", query_string={"q": q}).get_json()
    assert {p["id"] for p in body["plans"]} == ids and body["total"] == len(ids)


@pytest.mark.parametrize("args", [{"limit": 0}, {"limit": 101}, {"offset": -1}, {"limit": "x"}, {"q": "平" * 101}])
def test_bad_plan_list_arguments_are_400(mclient: Any, args: dict[str, Any]) -> None:
    resp = mclient.get("/api/plans", query_string=args)
    assert resp.status_code == 400
    assert resp.get_json()["ok"] is False and resp.get_json()["status"] == 400
