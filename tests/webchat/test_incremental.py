"""Incremental builds: after a one-plan change (or a removed plan) the build is identical to a full
rebuild from scratch, and only the changed plan was computed again."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.conftest import ROOT, TEST_PLANS, settings_for
from webchat.build import build

STEMS = (ROOT / "data" / "plans" / "pingquan-2021-2035", TEST_PLANS / "synthetic-county-a",
         TEST_PLANS / "synthetic-county-b")  # fmt: skip
CHANGED = "synthetic-county-b"
SAME_FILES = ("plans.jsonl", "sections.jsonl", "passages.jsonl", "facts.jsonl", "userdict.txt", "index.json",
              "records.json")


def copy_plans(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for stem in STEMS:
        for path in stem.parent.glob(stem.name + ".*"):
            shutil.copy(path, folder)
    return folder


def change_one_plan(folder: Path) -> None:
    """Edit one paragraph of one plan (other passages of that plan keep their ids and vectors)."""
    text = (folder / f"{CHANGED}.md").read_text("utf-8")
    start = text.index("森林覆盖率")
    (folder / f"{CHANGED}.md").write_text(text[:start] + "全县" + text[start:], "utf-8")


def quads(build_dir: Path) -> list[str]:
    import pyoxigraph as ox

    store = ox.Store.read_only(str(build_dir / "oxigraph"))
    return sorted(str(q) for q in store)


def assert_same_build(a: Path, b: Path) -> None:
    for name in SAME_FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    graphs = [[(p.name, p.read_bytes()) for p in sorted((d / "graphs").iterdir())] for d in (a, b)]
    plans = json.loads((a / "manifest.json").read_text("utf-8"))["plans"]
    assert graphs[0] == graphs[1]
    assert [name for name, _ in graphs[0]] == sorted(f"{p['id']}.{s}" for p in plans for s in ("nq", "trig"))
    for npy in sorted(p.name for p in a.glob("*.npy")):
        assert np.array_equal(np.load(a / npy), np.load(b / npy)), npy
    assert sorted(p.name for p in a.glob("*.npy")) == sorted(p.name for p in b.glob("*.npy"))
    assert quads(a) == quads(b)
    ma, mb = (json.loads((d / "manifest.json").read_text("utf-8")) for d in (a, b))
    for key in ("plans", "counts", "fingerprint", "model"):
        assert ma[key] == mb[key], key


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> Any:
    plans = copy_plans(tmp_path_factory.mktemp("plans"))
    settings = settings_for(tmp_path_factory.mktemp("var"), PLANS_DIR=str(plans))
    build(settings)
    return settings


def cached(settings: Any, plan: str) -> list[str]:
    folder = Path(settings["DATA_DIR"]) / "cache" / "plans" / plan
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def test_one_changed_plan_gives_the_full_rebuild(first: Any, tmp_path: Path) -> None:
    before = {plan: cached(first, plan) for plan in ("pingquan-2021-2035", "synthetic-county-a", CHANGED)}
    change_one_plan(Path(first["PLANS_DIR"]))
    incremental = build(first)
    assert {p: cached(first, p) for p in before if p != CHANGED} == {p: v for p, v in before.items() if p != CHANGED}
    assert len(cached(first, CHANGED)) == 2  # the new version beside the old (kept for the old builds)
    fresh = build(settings_for(tmp_path / "var", PLANS_DIR=first["PLANS_DIR"]))
    assert_same_build(incremental.path, fresh.path)


def test_removed_plan_is_gone_and_matches_the_full_rebuild(first: Any, tmp_path: Path) -> None:
    (Path(first["PLANS_DIR"]) / "synthetic-county-a.json").unlink()
    incremental = build(first)
    manifest = json.loads((incremental.path / "manifest.json").read_text("utf-8"))
    assert [p["id"] for p in manifest["plans"]] == ["pingquan-2021-2035", CHANGED]
    assert not any("synthetic-county-a" in q for q in quads(incremental.path))
    assert "synthetic-county-a" not in (incremental.path / "passages.jsonl").read_text("utf-8")
    fresh = build(settings_for(tmp_path / "var", PLANS_DIR=first["PLANS_DIR"]))
    assert_same_build(incremental.path, fresh.path)


def test_unchanged_rebuild_computes_nothing(first: Any) -> None:
    before = {p.name: sorted(q.name for q in p.iterdir())
              for p in (Path(first["DATA_DIR"]) / "cache" / "plans").iterdir()}
    again = build(first)
    after = {p.name: sorted(q.name for q in p.iterdir())
             for p in (Path(first["DATA_DIR"]) / "cache" / "plans").iterdir()}
    assert set(after) <= set(before) and all(set(after[k]) <= set(before[k]) for k in after)
    assert again.counts["Passage"] > 0


def test_cached_discovery_equals_reading_every_text(tmp_path: Path) -> None:
    from ingest.read import discover_plans
    from webchat.build import META_CACHE, discover_cached

    plans = copy_plans(tmp_path / "plans")
    fresh = discover_plans(plans)
    assert discover_cached(plans, tmp_path / "var") == fresh
    assert (tmp_path / "var" / META_CACHE).is_file()
    assert discover_cached(plans, tmp_path / "var") == fresh  # from the cache
    manifest = json.loads((plans / f"{CHANGED}.json").read_text("utf-8"))
    manifest.pop("title", None)  # the title now comes from the text
    (plans / f"{CHANGED}.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    text = (plans / f"{CHANGED}.md").read_text("utf-8")
    first = text.splitlines()[0]
    (plans / f"{CHANGED}.md").write_text(text.replace(first, first.replace("县", "区", 1), 1), "utf-8")
    changed = discover_plans(plans)
    assert changed != fresh and discover_cached(plans, tmp_path / "var") == changed


def test_the_embedder_process_encodes_as_the_embedder_does_and_reports_its_end() -> None:
    from ingest.errors import IngestError
    from retrieval.embed import DEFAULT_SPEC, load_embedder
    from webchat.plancache import EmbedderProcess

    remote = EmbedderProcess(DEFAULT_SPEC)
    try:
        texts = ["生态保护红线", "城镇开发边界以内"]
        assert remote.dim == 512
        assert np.array_equal(remote.encode(texts), load_embedder(DEFAULT_SPEC).encode(texts))
    finally:
        remote.close()
    gone = EmbedderProcess(DEFAULT_SPEC)
    gone._proc.terminate()
    gone._proc.join(10)
    with pytest.raises(IngestError, match="embedder process ended"):
        gone.encode(["x"])
    gone.close()
