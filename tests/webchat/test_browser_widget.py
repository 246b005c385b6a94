"""The embeddable widget on a host page of another origin, in a real browser against a real server:
it works from an allowed origin, leaves the host page alone, and fails visibly (CORS) elsewhere."""

from __future__ import annotations

import functools
import gzip
import re
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import start_server, stop_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PLAN = "pingquan-2021-2035"
SEWAGE = "城镇污水集中处理率要达到多少？"
TIMEOUT_MS = 30_000

# A host page that fights back: hostile global CSS aimed at everything the widget might use.
HOST_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>宿主页面</title>
<style>
  * {{ font-family: serif; color: rgb(255, 0, 0); box-sizing: content-box; letter-spacing: 2px; line-height: 3; }}
  html, body {{ margin: 0; background: rgb(255, 255, 224); }}
  button {{ background: lime; border: 5px dashed blue; font-size: 30px; padding: 20px; border-radius: 0; }}
  input {{ background: black; color: yellow; font-size: 30px; }}
  div, section, form, p, details, summary, mark, article, ol, li, blockquote, span, h2, h3 {{
    display: block; margin: 20px; border: 2px dotted purple; text-align: right; }}
  mark {{ background: cyan; }}
  svg {{ width: 200px !important; height: 200px !important; }}
  [hidden] {{ display: block !important; }}
  .pkg-launcher, .pkg-panel, .pkg-answer, .pkg-citation {{ display: none !important; }}
  plankg-widget {{ display: none; opacity: 0.1; }}
  :root {{ --pkg-primary: hotpink; }}
</style></head>
<body>
  <h1 id="host-title">某县人民政府</h1>
  <p id="host-text">宿主页面正文。</p>
  <button type="button" id="host-button">宿主按钮</button>
  <input id="host-input" value="宿主输入框">
  <script>window.hostMarker = 42;</script>
  {widget}
</body></html>
"""
STYLE_PROPS = ["color", "font-family", "font-size", "background-color", "margin-top", "display",
               "letter-spacing", "line-height", "border-top-style", "padding-top", "text-align"]
HOST_ELEMENTS = ["html", "body", "#host-title", "#host-text", "#host-button", "#host-input"]


class Site:
    """A static site on its own loopback port (its own origin), in a thread."""

    def __init__(self, root: Path) -> None:
        handler = functools.partial(_QuietHandler, directory=str(root))
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


@dataclass
class Hosts:
    api: str  # the plankg server
    allowed: str  # host origin on its CORS allow-list
    other: str  # host origin not on it


@pytest.fixture(scope="module")
def hosts(tmp_path_factory: pytest.TempPathFactory, built: Any) -> Iterator[Hosts]:
    root = tmp_path_factory.mktemp("host-site")
    allowed, other = Site(root), Site(root)
    proc, api = start_server(str(built["DATA_DIR"]), PLANKG_CORS_ORIGINS=allowed.origin)
    script = f'<script src="{api}/widget.js" data-plan="{PLAN}" async></script>'
    (root / "widget.html").write_text(HOST_PAGE.format(widget=script), encoding="utf-8")
    (root / "control.html").write_text(HOST_PAGE.format(widget=""), encoding="utf-8")
    try:
        yield Hosts(api, allowed.origin, other.origin)
    finally:
        stop_server(proc)
        allowed.close()
        other.close()


@pytest.fixture()
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    yield ctx
    ctx.close()


def _snapshot(page: Any) -> dict[str, Any]:
    """Computed styles of the host's own elements and the names of its globals."""
    return page.evaluate("""([sels, props]) => ({
        styles: Object.fromEntries(sels.map(s => {
            const cs = getComputedStyle(document.querySelector(s));
            return [s, Object.fromEntries(props.map(p => [p, cs.getPropertyValue(p)]))];
        })),
        globals: Object.getOwnPropertyNames(window).sort(),
        marker: window.hostMarker,
    })""", [HOST_ELEMENTS, STYLE_PROPS])


def _open_widget(page: Any) -> None:
    page.wait_for_function("window.PlanKGWidget && window.PlanKGWidget.root", timeout=TIMEOUT_MS)
    launcher = page.locator("plankg-widget .pkg-launcher")
    launcher.wait_for(state="visible", timeout=TIMEOUT_MS)
    launcher.click()
    page.locator("plankg-widget .pkg-panel").wait_for(state="visible")


def _ask(page: Any, question: str) -> Any:
    page.locator("plankg-widget .pkg-input").fill(question)
    page.locator("plankg-widget .pkg-input").press("Enter")
    result = page.locator("plankg-widget .pkg-exchange").last.locator(".pkg-answer, .pkg-error")
    result.wait_for(state="visible", timeout=TIMEOUT_MS)
    return result


def test_widget_answers_and_leaves_the_host_alone(context: Any, hosts: Hosts) -> None:
    control = context.new_page()
    control.goto(hosts.allowed + "/control.html")
    before = _snapshot(control)

    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(hosts.allowed + "/widget.html")
    _open_widget(page)
    started = time.perf_counter()
    answer = _ask(page, SEWAGE)
    print(f"\n[measure] widget: first answer shown {time.perf_counter() - started:.3f} s after Enter")

    assert "pkg-answer" in (answer.get_attribute("class") or "")
    assert "100%" in answer.locator(".pkg-answer-text").inner_text()
    citation = answer.locator("details.pkg-citation").first
    citation.locator("summary").click()
    assert citation.get_attribute("open") is not None
    assert citation.locator("mark").is_visible()
    # everything lives in the widget's shadow root, nothing leaks into the host document
    assert page.evaluate("""() => {
        const root = document.querySelector('plankg-widget').shadowRoot;
        return root.querySelectorAll('.pkg-answer .pkg-citation mark').length > 0
            && document.querySelectorAll('.pkg-answer, .pkg-panel, mark, details').length === 0
            && document.querySelectorAll('plankg-widget').length === 1;
    }""")
    # the host's hostile CSS did not reach inside: the widget keeps its own look
    looks = page.evaluate("""() => {
        const root = document.querySelector('plankg-widget').shadowRoot;
        const send = getComputedStyle(root.querySelector('.pkg-send'));
        const host = getComputedStyle(document.querySelector('plankg-widget'));
        return {sendBorder: send.borderTopStyle, sendFont: send.fontSize, hostOpacity: host.opacity,
                markBg: getComputedStyle(root.querySelector('mark')).backgroundColor};
    }""")
    assert looks == {"sendBorder": "none", "sendFont": "16px", "hostOpacity": "1",
                     "markBg": "rgb(255, 241, 184)"}

    after = _snapshot(page)
    assert after["marker"] == 42
    assert after["styles"] == before["styles"]
    assert set(after["globals"]) - set(before["globals"]) == {"PlanKGWidget"}
    assert set(before["globals"]) - set(after["globals"]) == set()
    assert errors == []


def test_origin_not_on_the_allow_list_is_refused(context: Any, hosts: Hosts) -> None:
    page = context.new_page()
    page.goto(hosts.other + "/widget.html")
    _open_widget(page)  # the script itself loads from anywhere (Access-Control-Allow-Origin: *)
    result = _ask(page, SEWAGE)
    assert "pkg-error" in (result.get_attribute("class") or "")
    assert result.get_attribute("role") == "alert"
    assert page.locator("plankg-widget .pkg-answer").count() == 0
    outcome = page.evaluate("""async (url) => {
        try {
            const r = await fetch(url, {method: 'POST', headers: {'Content-Type': 'application/json'},
                                        body: JSON.stringify({question: '森林公园'})});
            return 'read ' + r.status;
        } catch (e) { return 'blocked ' + e.name; }
    }""", hosts.api + "/api/ask")
    assert outcome == "blocked TypeError"


def test_allowed_origin_can_fetch_directly(context: Any, hosts: Hosts) -> None:
    page = context.new_page()
    page.goto(hosts.allowed + "/control.html")
    outcome = page.evaluate("""async (url) => {
        const r = await fetch(url, {method: 'POST', headers: {'Content-Type': 'application/json'},
                                    body: JSON.stringify({question: '有几个森林公园？'})});
        const body = await r.json();
        return [r.status, body.citations.length > 0];
    }""", hosts.api + "/api/ask")
    assert outcome == [200, True]


def test_widget_script_size(hosts: Hosts) -> None:
    with urllib.request.urlopen(hosts.api + "/widget.js", timeout=10) as resp:
        body = resp.read()
        assert resp.headers["Content-Type"].startswith(("application/javascript", "text/javascript"))
        assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert b"PlanKGWidget" in body
    print(f"\n[measure] widget.js: {len(body)} bytes, {len(gzip.compress(body, 9))} bytes gzip -9")


# ---------------------------------------------------------------- embedding options and behaviour


def _host_page(hosts: Hosts, tmp: Path, name: str, attrs: str) -> str:
    script = f'<script src="{hosts.api}/widget.js" data-plan="{PLAN}" {attrs} async></script>'
    (tmp / name).write_text(HOST_PAGE.format(widget=script) + '<div style="height:3000px"></div>', encoding="utf-8")
    return name


@pytest.fixture(scope="module")
def option_site(tmp_path_factory: pytest.TempPathFactory, built: Any) -> Iterator[tuple[Hosts, Path]]:
    root = tmp_path_factory.mktemp("option-site")
    site, other = Site(root), Site(root)
    proc, api = start_server(str(built["DATA_DIR"]), PLANKG_CORS_ORIGINS=site.origin)
    try:
        yield Hosts(api, site.origin, other.origin), root
    finally:
        stop_server(proc)
        site.close()
        other.close()


def test_offsets_z_index_log_scrolling_drawer_and_history(context: Any, option_site: tuple[Hosts, Path]) -> None:
    hosts, root = option_site
    name = _host_page(hosts, root, "options.html", 'data-offset-x="100" data-offset-y="80" data-z-index="1000"')
    page = context.new_page()
    page.goto(f"{hosts.allowed}/{name}")
    page.wait_for_function("window.PlanKGWidget && window.PlanKGWidget.root", timeout=TIMEOUT_MS)
    box = page.locator("plankg-widget .pkg-launcher").bounding_box()
    assert box is not None and round(1280 - (box["x"] + box["width"])) == 100 and round(900 - (box["y"] + box["height"])) == 80
    z = page.evaluate("getComputedStyle(document.querySelector('plankg-widget').shadowRoot"
                      ".querySelector('.pkg-launcher')).zIndex")
    assert z == "1000"
    _open_widget(page)
    for q in (SEWAGE, "有几个森林公园？", "规划期限是哪几年？"):
        _ask(page, q)
    header = page.locator("plankg-widget .pkg-header").bounding_box()
    panel = page.locator("plankg-widget .pkg-panel").bounding_box()
    assert header is not None and panel is not None and abs(header["y"] - panel["y"]) < 2  # header in view
    assert page.evaluate("document.querySelector('plankg-widget').shadowRoot.querySelector('.pkg-panel').scrollTop") == 0
    assert page.evaluate("document.querySelector('plankg-widget').shadowRoot.querySelector('.pkg-log').scrollTop") > 0
    first = page.locator("plankg-widget .pkg-answer").first
    first.locator(".pkg-citation summary").first.click()
    url = page.url
    first.locator(".pkg-citation-link").first.click()
    page.locator("plankg-widget .pkg-drawer .pkg-drawer-text mark").wait_for(state="visible", timeout=TIMEOUT_MS)
    assert page.url == url and len(context.pages) == 1  # the citation stays inside the widget
    page.screenshot(path=str(_shots() / "widget-desktop-drawer.png"))
    page.keyboard.press("Escape")
    assert page.locator("plankg-widget .pkg-drawer").count() == 0
    page.reload()
    page.wait_for_function("window.PlanKGWidget && window.PlanKGWidget.root", timeout=TIMEOUT_MS)
    assert page.locator("plankg-widget .pkg-exchange").count() == 3  # sessionStorage history


def _shots() -> Path:
    from tests.conftest import ROOT

    path = ROOT / "var" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_phone_full_screen_panel_locks_the_page(browser: Any, option_site: tuple[Hosts, Path]) -> None:
    hosts, root = option_site
    name = _host_page(hosts, root, "phone.html", 'data-lang="en"')
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="en-US")
    try:
        page = ctx.new_page()
        page.goto(f"{hosts.allowed}/{name}")
        _open_widget(page)
        assert page.evaluate("document.documentElement.style.overflow") == "hidden"
        size = page.evaluate("getComputedStyle(document.querySelector('plankg-widget').shadowRoot"
                             ".querySelector('.pkg-input')).fontSize")
        assert size == "16px"  # iOS does not zoom
        answer = _ask(page, "What is the sewage treatment target?")
        assert answer.locator(".pkg-actions .pkg-action").count() >= 3
        page.screenshot(path=str(_shots() / "widget-phone-en.png"))
        page.locator("plankg-widget .pkg-close").click()
        assert page.evaluate("document.documentElement.style.overflow") == ""
    finally:
        ctx.close()


def test_origin_not_allowed_names_the_setting(context: Any, option_site: tuple[Hosts, Path]) -> None:
    hosts, root = option_site
    name = _host_page(hosts, root, "refused.html", "")
    page = context.new_page()
    warnings: list[str] = []
    page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
    page.goto(f"{hosts.other}/{name}")
    _open_widget(page)
    error = _ask(page, SEWAGE)
    assert "未获授权" in error.inner_text()
    assert error.locator(".pkg-retry").count() == 1
    assert any("PLANKG_CORS_ORIGINS" in w and hosts.other in w for w in warnings), warnings


# ---------------------------------------------------------------- the other outcomes in the widget

NOT_STATED = "七沟镇的人口是多少？"  # the plan names the town but gives no population for it
DECLINE = "明天的足球比赛谁会赢？"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _labels(answer: Any) -> str:
    """The widget's own words on an answer (not the server's text, not the plan's quotes or publisher)."""
    parts = answer.locator(".pkg-citations-title, .pkg-next-steps-title, .pkg-action, .pkg-answer-status")
    return " ".join(parts.all_inner_texts())


def test_not_stated_and_decline_in_the_widget(context: Any, option_site: tuple[Hosts, Path]) -> None:
    hosts, root = option_site
    page = context.new_page()
    page.goto(f"{hosts.allowed}/{_host_page(hosts, root, 'outcomes.html', '')}")
    _open_widget(page)
    answer = _ask(page, NOT_STATED)
    assert answer.get_attribute("data-outcome") == "not_stated"
    text = answer.locator(".pkg-answer-text").inner_text()
    assert text.count("没有明确说明") == 1 and "七沟镇" in text
    assert answer.locator(".pkg-answer-status").count() == 0  # said once
    assert "依据原文" in _labels(answer) and "换一种说法" in answer.locator(".pkg-next-steps").inner_text()
    page.screenshot(path=str(_shots() / "widget-not-stated.png"))
    answer = _ask(page, DECLINE)
    assert answer.get_attribute("data-outcome") == "declined"
    assert answer.locator(".pkg-answer-text p").count() == 1 and answer.locator(".pkg-answer-status").count() == 0
    assert answer.locator(".pkg-citations-title").all_inner_texts() == ["可能相关的内容"]
    assert "依据原文" not in _labels(answer)
    steps = answer.locator(".pkg-next-steps").inner_text()
    assert "换一种说法" in steps and "咨询" in steps
    page.screenshot(path=str(_shots() / "widget-decline.png"))


def test_outcomes_in_english_in_the_widget(context: Any, option_site: tuple[Hosts, Path]) -> None:
    """data-lang="en": an English question gets the server's English text; a Chinese question keeps the
    server's Chinese text; the widget's own labels are English either way."""
    hosts, root = option_site
    page = context.new_page()
    name = _host_page(hosts, root, "outcomes-en.html", 'data-lang="en"')
    page.goto(f"{hosts.allowed}/{name}")
    _open_widget(page)
    answer = _ask(page, "Who will win the football match tomorrow?")
    assert answer.get_attribute("data-outcome") == "declined"
    assert "cannot be answered from the plan" in answer.locator(".pkg-answer-text").inner_text()
    assert "Possibly related passages" in _labels(answer) and not CJK.search(_labels(answer))
    assert "rephrase" in answer.locator(".pkg-next-steps").inner_text()
    page.screenshot(path=str(_shots() / "widget-decline-en.png"))
    answer = _ask(page, "Population of Qigou town in 2035?")
    assert answer.get_attribute("data-outcome") == "not_stated"
    assert answer.locator(".pkg-answer-text").inner_text().count("does not state") == 1
    assert answer.locator(".pkg-answer-status").count() == 0 and not CJK.search(_labels(answer))
    answer = _ask(page, DECLINE)  # a Chinese question: the server answers in Chinese, the labels stay English
    assert answer.get_attribute("data-outcome") == "declined"
    assert CJK.search(answer.locator(".pkg-answer-text").inner_text())
    assert "Possibly related passages" in _labels(answer) and not CJK.search(_labels(answer))
