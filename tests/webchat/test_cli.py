"""`plankg` on the command line: ingest, validate, stats, export, ask, sparql; failed ingests keep the old build."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rdflib import Dataset

from kg.native import graph_files
from tests.conftest import PLAN_TEXT, ROOT, TEST_PLANS


def plankg(*args: str, data_dir: Path, plans_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PLANKG_DATA_DIR": str(data_dir),
           "PLANKG_PLANS_DIR": str(plans_dir or ROOT / "data" / "plans")}
    return subprocess.run([sys.executable, "-m", "webchat.cli", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def current_target(data_dir: Path) -> Path:
    return (data_dir / "current").resolve()


@pytest.fixture(scope="module")
def cli_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("cli-var")
    result = plankg("ingest", "--quiet", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    return data_dir


def test_stats_lists_counts_per_class(cli_build: Path) -> None:
    out = plankg("stats", data_dir=cli_build)
    assert out.returncode == 0, out.stderr
    counts = dict(line.split()[:2] for line in out.stdout.splitlines() if line.split()[-1:][0].isdigit()
                  and len(line.split()) == 2)
    assert int(counts["ForestPark"]) == 6 and int(counts["NatureReserve"]) == 1
    assert int(counts["Indicator"]) >= 40


def test_validate_conforms(cli_build: Path) -> None:
    out = plankg("validate", data_dir=cli_build)
    assert out.returncode == 0 and "conforms" in out.stdout


@pytest.mark.parametrize("fmt, parse_as", [("ttl", "turtle"), ("nt", "nt"), ("trig", "trig")])
def test_export_formats_parse(cli_build: Path, fmt: str, parse_as: str) -> None:
    out = plankg("export", "--format", fmt, "--plan", "pingquan-2021-2035", data_dir=cli_build)
    assert out.returncode == 0, out.stderr
    ds = Dataset()
    ds.parse(data=out.stdout, format=parse_as)
    triples = {(s, p, o) for s, p, o, _g in ds.quads((None, None, None, None))}  # named graphs too (TriG)
    assert len(triples) > 1000
    assert any("黄土梁子镇" in str(o) for _s, _p, o in triples)


def test_ask_json(cli_build: Path) -> None:
    out = plankg("ask", "城镇污水集中处理率要达到多少？", "--json", data_dir=cli_build)
    assert out.returncode == 0, out.stderr
    body = json.loads(out.stdout)
    assert body["answered"] and "100%" in body["answer"]
    assert body["citations"][0]["section"] == "7.3"


def test_sparql_command(cli_build: Path) -> None:
    q = "PREFIX plan: <https://w3id.org/plankg/ontology#> SELECT (COUNT(?p) AS ?n) WHERE { ?p a plan:ForestPark }"
    out = plankg("sparql", q, data_dir=cli_build)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[1].strip() == "6"


def test_sparql_command_refuses_updates(cli_build: Path) -> None:
    out = plankg("sparql", "DROP ALL", data_dir=cli_build)
    assert out.returncode == 1 and "plankg: error" in out.stderr


@pytest.mark.parametrize("content, message", [
    pytest.param(b"", "empty", id="empty"),
    pytest.param(bytes(range(256)) * 50, "binary", id="binary"),
    pytest.param(PLAN_TEXT.read_bytes()[:9001], "truncated", id="cut-mid-character"),
    pytest.param(PLAN_TEXT.read_text(encoding="utf-8")[:3000].encode(), "missing", id="cut-after-chapter-3"),
])
def test_bad_input_fails_clearly_and_keeps_the_previous_build(
        cli_build: Path, tmp_path: Path, content: bytes, message: str) -> None:
    before = current_target(cli_build)
    bad = tmp_path / "bad-plan.md"
    bad.write_bytes(content)
    out = plankg("ingest", "--only", str(bad), data_dir=cli_build)
    assert out.returncode == 1
    assert str(bad) in out.stderr and message in out.stderr
    assert current_target(cli_build) == before
    assert plankg("validate", data_dir=cli_build).returncode == 0


def _graph_of(data_dir: Path) -> set[Any]:
    ds = Dataset()
    for path in graph_files(current_target(data_dir)):
        ds.parse(path, format="trig")
    return set(ds.quads((None, None, None, None)))


def test_two_builds_and_other_encodings_give_the_same_graph(cli_build: Path, tmp_path: Path) -> None:
    reference = _graph_of(cli_build)
    text = PLAN_TEXT.read_text(encoding="utf-8")
    for name, data in [("same", text.encode("utf-8")), ("bom", b"\xef\xbb\xbf" + text.encode("utf-8")),
                       ("gbk", text.encode("gbk")), ("utf16", text.encode("utf-16"))]:
        plans = tmp_path / name
        plans.mkdir()
        (plans / PLAN_TEXT.name).write_bytes(data)
        shutil.copy(PLAN_TEXT.with_suffix(".json"), plans)
        shutil.copy(PLAN_TEXT.with_suffix(".corrections.json"), plans)  # the plan's source corrections
        data_dir = tmp_path / f"var-{name}"
        out = plankg("ingest", "--quiet", data_dir=data_dir, plans_dir=plans)
        assert out.returncode == 0, out.stderr
        assert _graph_of(data_dir) == reference, name


def test_unseen_plan_of_the_genre_ingests_without_code_changes(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    for f in TEST_PLANS.glob("synthetic-county-a.*"):
        shutil.copy(f, plans)
    out = plankg("ingest", "--quiet", data_dir=tmp_path / "var", plans_dir=plans)
    assert out.returncode == 0, out.stderr
    stats = plankg("stats", data_dir=tmp_path / "var", plans_dir=plans)
    assert "synthetic-county-a" in stats.stdout
    for kind in ("Town", "ForestPark", "Indicator", "EcologicalCorridor"):
        assert kind in stats.stdout


def test_stats_for_one_plan_lists_sections_classes_and_indicators(cli_build: Path) -> None:
    out = plankg("stats", "--plan", "pingquan-2021-2035", data_dir=cli_build)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("plan pingquan-2021-2035")
    assert any(line.split()[:1] == ["7.3"] for line in lines)  # a numbered section with its title
    classes = dict(line.split() for line in lines[lines.index("entities per class") + 1:] if
                   len(line.split()) == 2 and line.split()[1].isdigit())
    assert classes["ForestPark"] == "6" and classes["Facility"] == "32"
    at = next(i for i, line in enumerate(lines) if line.startswith("indicators ("))
    rows = [line.split() for line in lines[at:]]
    assert rows[1][:5] == ["subject", "value", "unit", "status", "year"]
    assert ["城镇化率", "57.16", "%", "现状"] in [r[:4] for r in rows]
    assert any(r[3:5] == ["规划", "2035"] for r in rows)
    unknown = plankg("stats", "--plan", "no-such-plan", data_dir=cli_build)
    assert unknown.returncode == 1 and "no-such-plan" in unknown.stderr


def test_ingest_prints_a_summary_per_plan_and_the_village_report(tmp_path: Path) -> None:
    village = ROOT / "tests" / "data" / "ingest" / "village-shanxi.md"
    out = plankg("ingest", "--only", str(village), data_dir=tmp_path / "var")
    assert out.returncode == 0, out.stderr
    summary = next(line for line in out.stdout.splitlines() if line.startswith("shanxi-2022-2035:"))
    assert "NaturalVillage 7" in summary and "numbered" in summary
    report = plankg("stats", "--plan", "shanxi-2022-2035", data_dir=tmp_path / "var").stdout
    assert "第五条  规划指标" in report and "AdministrativeVillage" in report and "LandUseArea" in report
    assert any("耕地保有量" in line and "约束性" in line and "2035" in line for line in report.splitlines())
    quiet = plankg("ingest", "--quiet", "--only", str(village), data_dir=tmp_path / "var2")
    assert quiet.returncode == 0 and quiet.stdout == ""
    plain = plankg("stats", data_dir=tmp_path / "var")
    assert plain.returncode == 0 and "shanxi-2022-2035" in plain.stdout
