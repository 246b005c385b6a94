"""Every example query on the real Pingquan build, in-process (Oxigraph) and on an external Oxigraph server.

Expected rows are facts of the published plan text (data/plans/pingquan-2021-2035.md), including its
oddities kept as published (党坝镇 listed both as key town and general township, "七榆树林子镇").
"""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kg.examples import BY_ID, EXAMPLES
from kg.native import graph_files
from kg.sparql import check_query
from kg.store import open_store
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
OXIGRAPH = ROOT / ".venv" / "bin" / "oxigraph"
ANY = object()  # matches any value in an expected row
PLAN = "pingquan-2021-2035"


@pytest.fixture(scope="module")
def build_dir(built: Any) -> Path:
    return (Path(built["DATA_DIR"]) / "current").resolve()


def wait_for(url: str, proc: subprocess.Popen[bytes], seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"oxigraph exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=1):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


@pytest.fixture(scope="module")
def oxigraph_server(build_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `oxigraph serve` on loopback, loaded with the build's plan graphs."""
    if not OXIGRAPH.exists() and shutil.which("oxigraph") is None:
        pytest.fail("the oxigraph CLI (dev dependency) is not installed")
    exe = str(OXIGRAPH if OXIGRAPH.exists() else shutil.which("oxigraph"))
    location = tmp_path_factory.mktemp("oxigraph")
    subprocess.run(
        [exe, "load", "--location", str(location), "--file", *map(str, graph_files(build_dir, "nq"))],
        check=True,
        capture_output=True,
    )
    port = free_port()
    proc = subprocess.Popen(
        [exe, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/query"
    try:
        wait_for(url, proc)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="module", params=["oxigraph", "memory", "external"])
def dataset(request: pytest.FixtureRequest, build_dir: Path) -> Any:
    if request.param == "external":
        return open_store("sparql:" + request.getfixturevalue("oxigraph_server"), build_dir)
    return open_store(request.param, build_dir)


def rows_of(dataset: Any, query: str) -> list[tuple[str | None, ...]]:
    check_query(query, 20_000)
    return [tuple(None if t is None else str(t) for t in row) for row in dataset.query(query)]


def matches(row: tuple[Any, ...], expected: tuple[Any, ...]) -> bool:
    return len(row) == len(expected) and all(e is ANY or e == r for r, e in zip(row, expected, strict=True))


TOWNS_BY_ROLE = [
    ("CentralCity", "南五十家子镇", "部分区域"), ("CentralCity", "卧龙镇", "部分区域"),
    ("CentralCity", "小寺沟镇", "部分区域"), ("CentralCity", "平泉镇", "全域"),
    *[("DevelopmentPole", t, None) for t in ("七沟镇", "党坝镇", "杨树岭镇", "黄土梁子镇")],
    *[("GeneralTownship", t, None) for t in ("七榆树林子镇", "党坝镇", "平北镇", "青河镇")],
    *[("KeyTown", t, None) for t in ("七沟镇", "党坝镇", "杨树岭镇", "黄土梁子镇")],
]  # fmt: skip
FOREST_PARKS = [
    (p, "省级", "自然保护地体系")
    for p in (
        "双峰山森林公园",
        "山湾子森林公园",
        "崖门子森林公园",
        "清河森林公园",
        "石湖森林公园",
        "龙潭山森林公园",
    )
]
HERITAGE = [
    ("文物保护单位", "市县级", "307"),
    ("文物保护单位", "省级", "11"),
    ("文物保护单位", "国家级", "4"),
    ("非物质文化遗产", "市级", "10"),
    ("非物质文化遗产", "省级", "7"),
    ("非物质文化遗产", "国家级", "1"),
]
VILLAGE_TYPES = [("保留改善型", "人口规模适中，生态环境较好的村庄"), ("城郊融合型", "城市与乡村结合部的村庄"),
                 ("搬迁撤并型", "生态敏感性强，保护与管控要求高、人口流失严重的村庄"),
                 ("特色保护型", "资源特色、禀赋条件较为突出的村庄"),
                 ("集聚提升型", "规划中心村、人口集聚村、交通干道沿线村等")]  # fmt: skip
INDICATORS = [
    (s, "=", v, u, "Current", None, "规划概况")
    for s, v, u in (
        ("常住人口", "39.94", "万人"),
        ("城镇化率", "57.16", "%"),
        ("国土面积", "3294.13", "平方公里"),
    )
]
FOUR_POLES = [
    ("一心四极、两廊三屏、三区联动", "国土空间总体格局", "四极", t)
    for t in ("七沟镇", "党坝镇", "杨树岭镇", "黄土梁子镇")
]

# (example id, expected rows, "exact" = all rows in this order | "subset" = these rows among the answer)
CASES = [
    pytest.param("towns-by-role", TOWNS_BY_ROLE, "exact", id="towns-by-role"),
    pytest.param("keytown-and-pole", [("七沟镇",), ("党坝镇",), ("杨树岭镇",), ("黄土梁子镇",)], "exact",
                 id="keytown-and-pole"),
    pytest.param("protected-areas-by-level", [("省级", "ForestPark", "6"), ("省级", "NatureReserve", "1")], "exact",
                 id="protected-areas-by-level"),
    pytest.param("forest-parks-in-system", FOREST_PARKS, "exact", id="forest-parks-in-system"),
    pytest.param("indicators", INDICATORS, "subset", id="indicators"),
    pytest.param("passages-of-section", [("加强历史文化遗产保护", ANY, ANY)], "exact", id="passages-of-section"),
    pytest.param("structure-parts", FOUR_POLES, "subset", id="structure-parts"),
    pytest.param("featured-towns", [("北五十家子山杏小镇", "山杏", ANY), ("卧龙蘑菇小镇", "蘑菇", "卧龙镇"),
                                    ("榆树林子黄瓜小镇", "黄瓜", ANY), ("辽河源契丹文化小镇", "契丹文化", "柳溪镇")],
                 "exact", id="featured-towns"),
    pytest.param("heritage-figures", HERITAGE, "exact", id="heritage-figures"),
    pytest.param("village-types", VILLAGE_TYPES, "exact", id="village-types"),
    pytest.param("plans", [(PLAN, "平泉市国土空间总体规划（2021—2035年）", "2021", "2035",
                            f"https://w3id.org/plankg/graph/{PLAN}", ANY)], "exact", id="plans"),
    pytest.param("counts-per-plan", [(PLAN, ANY, ANY, "12")], "exact", id="counts-per-plan"),
    pytest.param("shared-indicator-subjects", [], "exact", id="shared-indicator-subjects"),
]  # fmt: skip


def test_every_example_has_a_case() -> None:
    assert sorted(c.values[0] for c in CASES) == sorted(e.id for e in EXAMPLES)


@pytest.mark.slow
# rdflib's own SPARQL engine (the `memory` store) calls its deprecated Dataset.contexts for GRAPH ?g.
@pytest.mark.filterwarnings("ignore:Dataset.contexts is deprecated:DeprecationWarning")
@pytest.mark.parametrize(("example", "expected", "mode"), CASES)
def test_example(dataset: Any, example: str, expected: list[tuple[Any, ...]], mode: str) -> None:
    rows = rows_of(dataset, BY_ID[example].query)
    if mode == "exact":
        assert len(rows) == len(expected), rows
        assert all(matches(r, e) for r, e in zip(rows, expected, strict=True)), rows
    else:
        missing = [e for e in expected if not any(matches(r, e) for r in rows)]
        assert not missing, rows


def test_passage_text_of_section_is_the_published_text(build_dir: Path) -> None:
    ((_title, start, text),) = rows_of(open_store("oxigraph", build_dir), BY_ID["passages-of-section"].query)
    source = (ROOT / "data" / "plans" / f"{PLAN}.md").read_text(encoding="utf-8")
    assert source[int(start) : int(start) + len(text)] == text
    assert "严格保护4处国家级文物保护单位" in text
