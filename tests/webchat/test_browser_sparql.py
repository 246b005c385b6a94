"""The staff query page in a real browser: YASGUI (vendored) loads an example, runs it, shows rows; our
error messages are shown; the query survives a reload and travels in shared links; our IRIs open this
server's /id/ pages; the CSV download opens in Excel (UTF-8 BOM); the page has the CSP of `/`."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TIMEOUT_MS = 30_000


@pytest.fixture()
def page(browser: Any, live_server: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    outside: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.on("request", lambda req: outside.append(req.url) if not req.url.startswith(live_server) else None)
    page.goto(live_server + "/sparql", wait_until="networkidle")
    page.locator("#yasgui .CodeMirror").first.wait_for(state="visible", timeout=TIMEOUT_MS)
    yield page
    context.close()
    assert errors == [], errors
    assert outside == [], outside  # everything is served locally (no CDN, no vocabulary look-ups)


def run(page: Any, query: str | None = None) -> None:
    if query is not None:
        page.evaluate("q => { window.plankgYasgui.getTab().setQuery(q); }", query)
    page.locator(".yasqe_queryButton").first.click()


def test_example_query_runs_and_shows_rows(page: Any) -> None:
    page.click('.example-query[data-id="keytown-and-pole"]')
    run(page)
    table = page.locator("#yasgui .yasr table")
    table.first.wait_for(state="visible", timeout=TIMEOUT_MS)
    page.get_by_text("黄土梁子镇").first.wait_for(state="visible", timeout=TIMEOUT_MS)
    text = table.first.inner_text()
    for town in ("七沟镇", "党坝镇", "杨树岭镇", "黄土梁子镇"):
        assert town in text
    assert "平北镇" not in text


def test_examples_are_listed(page: Any) -> None:
    assert page.locator(".example-query").count() >= 10


@pytest.mark.parametrize(("query", "expected"), [
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * WHERE { ?s ?p ", "语法错误"),
])  # fmt: skip
def test_server_errors_show_our_message(page: Any, query: str, expected: str) -> None:
    run(page, query)
    notice = page.locator("#sparql-error")
    notice.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert expected in notice.inner_text() and "(400)" in notice.inner_text()


def test_reload_and_shared_links_keep_the_query(page: Any, browser: Any, live_server: str) -> None:
    page.click('.example-query[data-id="heritage-figures"]')
    assert "query=" in page.evaluate("location.hash")
    query = page.evaluate("window.plankgYasgui.getTab().getQuery()")
    page.reload(wait_until="networkidle")
    page.locator("#yasgui .CodeMirror").first.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert page.evaluate("window.plankgYasgui.getTab().getQuery()") == query
    other = browser.new_page()
    other.goto(page.url, wait_until="networkidle")
    other.locator("#yasgui .CodeMirror").first.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert other.evaluate("window.plankgYasgui.getTab().getQuery()") == query
    other.close()


def test_our_iris_open_this_servers_entity_pages(page: Any) -> None:
    run(page, "PREFIX plan: <https://w3id.org/plankg/ontology#>\nSELECT ?t WHERE { ?t a plan:Town } LIMIT 3")
    link = page.locator("#yasgui .yasr table a[href*='/id/']").first
    link.wait_for(state="visible", timeout=TIMEOUT_MS)
    hrefs = page.eval_on_selector_all("#yasgui .yasr table a[href*='/town/']", "as => as.map(a => a.getAttribute('href'))")
    assert hrefs and all(h.startswith("/id/") for h in hrefs), hrefs


def test_csv_download_has_a_utf8_bom(page: Any) -> None:
    page.click('.example-query[data-id="keytown-and-pole"]')
    with page.expect_download(timeout=TIMEOUT_MS) as info:
        page.click("#sparql-csv")
    data = Path(info.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "黄土梁子镇" in data.decode("utf-8-sig")


def test_the_page_has_the_csp_of_the_chat_page(live_server: str) -> None:
    def csp(path: str) -> str | None:
        req = urllib.request.Request(live_server + path, headers={"Accept": "text/html"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.headers.get("Content-Security-Policy")

    assert csp("/sparql") == csp("/") is not None
