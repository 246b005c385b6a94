"""The chat page in a real browser (Debian chromium via Playwright) against a real gunicorn server."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SEWAGE = "城镇污水集中处理率要达到多少？"
XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'
TIMEOUT_MS = 30_000


@pytest.fixture()
def page(browser: Any, live_server: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server + "/")
    yield page
    context.close()
    assert errors == [], errors  # no uncaught script errors on the page


def ask(page: Any, question: str) -> Any:
    """Type the question, send it, return the locator of the newest answer (or error) once shown."""
    before = page.locator("#answers .exchange").count()
    page.fill("#question", question)
    page.press("#question", "Enter")
    exchange = page.locator("#answers .exchange").nth(before)
    result = exchange.locator(".answer, .error")
    result.first.wait_for(state="visible", timeout=TIMEOUT_MS)
    return exchange


def test_ask_shows_answer_with_expandable_citation(page: Any) -> None:
    started = time.perf_counter()
    exchange = ask(page, SEWAGE)
    print(f"\n[measure] chat page: first answer shown {time.perf_counter() - started:.3f} s after Enter")
    assert exchange.locator(".question-text").inner_text() == SEWAGE
    answer = exchange.locator(".answer")
    text = answer.locator(".answer-text").inner_text()
    assert "100%" in text, text
    citation = answer.locator("details.citation").first
    assert citation.get_attribute("open") is None
    body = citation.locator(".citation-text")
    assert not body.is_visible()  # collapsed until asked for
    citation.locator("summary").click()
    assert citation.get_attribute("open") is not None
    assert body.is_visible()
    mark = body.locator("mark")
    assert mark.count() == 1 and mark.is_visible()
    assert "污水" in mark.inner_text()
    assert mark.inner_text() in body.inner_text()
    # the form is ready for the next question
    assert page.input_value("#question") == ""
    assert page.locator("#ask-form button[type=submit]").is_enabled()


def test_suggestion_button_asks(page: Any) -> None:
    page.locator(".suggestion").first.click()
    page.locator("#answers .answer").first.wait_for(state="visible", timeout=TIMEOUT_MS)
    question = page.locator(".suggestion").first.get_attribute("data-question")
    assert page.locator("#answers .question-text").first.inner_text() == question


def test_markup_in_question_is_text(page: Any) -> None:
    exchange = ask(page, XSS)
    assert exchange.locator(".question-text").inner_text() == XSS
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator("#answers img, #answers script").count() == 0


def test_empty_question_is_not_sent(page: Any) -> None:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if "/api/" in r.url else None)
    page.press("#question", "Enter")
    assert page.locator("#question-error").is_visible()
    assert page.get_attribute("#question", "aria-invalid") == "true"
    assert requests == []
    assert page.locator("#answers .exchange").count() == 0


def test_server_error_message_is_shown(page: Any) -> None:
    exchange = ask(page, "城镇\u200b污水")  # a zero-width space: the server's 400 message is shown
    error = exchange.locator(".error")
    assert error.is_visible()
    assert "控制字符" in error.inner_text()


def test_phone_viewport(browser: Any, live_server: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True,
                                  device_scale_factor=2, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(live_server + "/")
        exchange = ask(page, SEWAGE)
        answer = exchange.locator(".answer")
        citation = answer.locator("details.citation").first
        citation.locator("summary").tap()
        assert citation.locator("mark").is_visible()
        # nothing wider than the phone: no sideways scrolling
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        box = page.locator("#question").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
        send = page.locator("#ask-form button[type=submit]").bounding_box()
        assert send is not None and send["x"] + send["width"] <= 375 and send["height"] >= 32
    finally:
        context.close()
