"""Several plans served: the chat page's plan picker (search as you type by name and pinyin, ?plan=
preselects) and the clarify outcome (no plan chosen, a question naming no county: plan buttons, a click
asks again and answers from that plan), on the page and in the widget (no data-plan), in both languages.
Real chromium against a real `plankg serve` over the bundled plan plus tests/data/plans/*.md."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.conftest import ROOT, settings_for, start_server, stop_server
from tests.webchat.test_browser_widget import HOST_PAGE, Site
from tests.webchat.test_multiplan import copy_plans

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SEWAGE = "城镇污水集中处理率要达到多少？"  # every plan states it; the question names no county
SEWAGE_EN = "What is the sewage treatment target?"
# Each synthetic plan's own figure (tests/data/plans/*.md, 排水设施).
FIGURE = {"synthetic-county-a": "98%", "synthetic-county-b": "97%"}
TITLE = {"synthetic-county-a": "青岚县", "synthetic-county-b": "澄溪县"}
TIMEOUT_MS = 30_000
SHOTS = ROOT / "var" / "screenshots"


@dataclass
class Served:
    api: str
    site: str  # a host site on the CORS allow-list, serving widget pages


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    from webchat.build import build

    settings = settings_for(tmp_path_factory.mktemp("var"), PLANS_DIR=str(copy_plans(tmp_path_factory.mktemp("plans"))))
    build(settings)
    root = tmp_path_factory.mktemp("host-site")
    site = Site(root)
    proc, api = start_server(str(settings["DATA_DIR"]), PLANKG_CORS_ORIGINS=site.origin)
    for lang in ("zh", "en"):
        script = f'<script src="{api}/widget.js" data-lang="{lang}" async></script>'  # no data-plan
        (root / f"widget-{lang}.html").write_text(HOST_PAGE.format(widget=script), encoding="utf-8")
    try:
        yield Served(api, site.origin)
    finally:
        stop_server(proc)
        site.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    errors: list[str] = []
    pg = ctx.new_page()
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    ctx.close()
    assert errors == [], errors


def shot(page: Any, name: str, full: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full)


def ask(page: Any, question: str) -> Any:
    before = page.locator("#answers .exchange").count()
    page.fill("#question", question)
    page.press("#question", "Enter")
    answer = page.locator("#answers .exchange").nth(before).locator(".answer, .error").first
    answer.wait_for(state="visible", timeout=TIMEOUT_MS)
    return answer


def options(page: Any) -> list[str]:
    return page.eval_on_selector_all("#plan option", "os => os.map(o => o.value)")  # type: ignore[no-any-return]


def search(page: Any, text: str, expected: list[str]) -> None:
    page.fill("#plan-search", text)
    page.wait_for_function("(want) => JSON.stringify([...document.querySelectorAll('#plan option')]"
                           ".map(o => o.value)) === JSON.stringify(want)", arg=expected, timeout=TIMEOUT_MS)


def test_no_plan_preselected_and_search_by_name_and_pinyin(page: Any, served: Served) -> None:
    page.goto(served.api + "/")
    assert page.input_value("#plan") == ""  # "all plans": the question's place names choose
    assert len(options(page)) == 4
    for typed in ("qinglan", "青岚", "Qing Lan"):
        search(page, typed, ["synthetic-county-a"])
        assert page.input_value("#plan") == "synthetic-county-a"
    search(page, "chengxi", ["synthetic-county-b"])
    search(page, "zzzz-no-such-place", [""])
    assert page.locator("#plan option").first.is_disabled()
    search(page, "", ["", "pingquan-2021-2035", "synthetic-county-a", "synthetic-county-b"])
    page.select_option("#plan", "synthetic-county-a")
    answer = ask(page, SEWAGE)
    assert answer.get_attribute("data-outcome") == "answered"
    assert FIGURE["synthetic-county-a"] in answer.locator(".answer-text").inner_text()


def test_plan_param_preselects(page: Any, served: Served) -> None:
    page.goto(served.api + "/?plan=synthetic-county-b")
    assert page.input_value("#plan") == "synthetic-county-b"
    answer = ask(page, SEWAGE)
    assert FIGURE["synthetic-county-b"] in answer.locator(".answer-text").inner_text()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_clarify_on_the_page(page: Any, served: Served, lang: str) -> None:
    page.goto(served.api + ("/?lang=en" if lang == "en" else "/"))
    answer = ask(page, SEWAGE_EN if lang == "en" else SEWAGE)
    assert answer.get_attribute("data-outcome") == "clarify"
    text = answer.locator(".answer-text").inner_text()
    assert text.startswith("Several plans could answer this") if lang == "en" else "请先选择" in text
    assert answer.locator(".answer-text").get_attribute("lang") is None  # the UI's language: not marked
    buttons = answer.locator(".clarify-plan")
    assert buttons.count() == 3
    assert answer.locator(".clarify-title").count() == 0  # the server's text already asks: said once
    assert answer.locator(".actions").count() == 0
    shot(page, f"clarify-desktop-{lang}")
    answer.locator(".clarify-plan", has_text=TITLE["synthetic-county-a"]).click()
    again = page.locator("#answers .exchange").nth(1).locator(".answer")
    again.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert again.get_attribute("data-outcome") == "answered"
    assert FIGURE["synthetic-county-a"] in again.locator(".answer-text").inner_text()
    assert page.input_value("#plan") == "synthetic-county-a"  # later questions stay with that plan
    titles = " ".join(again.locator(".citations-title").all_inner_texts())
    assert titles == ("Sources" if lang == "en" else "依据原文")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_clarify_in_the_widget(browser: Any, served: Served, lang: str) -> None:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    try:
        page = ctx.new_page()
        page.goto(f"{served.site}/widget-{lang}.html")
        page.wait_for_function("window.PlanKGWidget && window.PlanKGWidget.root", timeout=TIMEOUT_MS)
        page.locator("plankg-widget .pkg-launcher").click()
        page.locator("plankg-widget .pkg-input").fill(SEWAGE_EN if lang == "en" else SEWAGE)
        page.locator("plankg-widget .pkg-input").press("Enter")
        answer = page.locator("plankg-widget .pkg-exchange").first.locator(".pkg-answer")
        answer.wait_for(state="visible", timeout=TIMEOUT_MS)
        assert answer.get_attribute("data-outcome") == "clarify"
        text = answer.locator(".pkg-answer-text").inner_text()
        assert text.startswith("Several plans") if lang == "en" else "请先选择" in text
        assert answer.locator(".pkg-clarify-plan").count() == 3
        if lang == "zh":
            shot(page, "widget-clarify", full=False)
        answer.locator(".pkg-clarify-plan", has_text=TITLE["synthetic-county-b"]).click()
        again = page.locator("plankg-widget .pkg-exchange").nth(1).locator(".pkg-answer")
        again.wait_for(state="visible", timeout=TIMEOUT_MS)
        assert FIGURE["synthetic-county-b"] in again.locator(".pkg-answer-text").inner_text()
        labels = " ".join(again.locator(".pkg-citations-title, .pkg-action").all_inner_texts())
        assert not re.search(r"[\u4e00-\u9fff]", labels) if lang == "en" else "依据原文" in labels
    finally:
        ctx.close()
