"""The staff query page in a real browser: YASGUI (vendored) loads an example, runs it, shows rows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TIMEOUT_MS = 30_000


@pytest.fixture()
def page(browser: Any, live_server: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    outside: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda req: outside.append(req.url) if not req.url.startswith(live_server) else None)
    page.goto(live_server + "/sparql", wait_until="networkidle")
    yield page
    context.close()
    assert errors == [], errors
    assert outside == [], outside  # everything is served locally (no CDN, no vocabulary look-ups)


def test_example_query_runs_and_shows_rows(page: Any) -> None:
    page.locator("#yasgui .CodeMirror").first.wait_for(state="visible", timeout=TIMEOUT_MS)
    page.click('.example-query[data-id="keytown-and-pole"]')
    page.locator(".yasqe_queryButton").first.click()
    table = page.locator("#yasgui .yasr table")
    table.first.wait_for(state="visible", timeout=TIMEOUT_MS)
    page.get_by_text("黄土梁子镇").first.wait_for(state="visible", timeout=TIMEOUT_MS)
    text = table.first.inner_text()
    for town in ("七沟镇", "党坝镇", "杨树岭镇", "黄土梁子镇"):
        assert town in text
    assert "平北镇" not in text


def test_examples_are_listed(page: Any) -> None:
    assert page.locator(".example-query").count() >= 10
