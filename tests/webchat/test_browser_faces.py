"""The chat page as residents use it, in real chromium against a real server: type sizes and spacing in
normal and 大字 modes (both viewports, both languages), high contrast, 320 px, keyboard only, the
passage drawer and page, history across reloads, ?q= deep links, retry, declines, feedback.
Screenshots go to var/screenshots/ (git-ignored)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SEWAGE = "城镇污水集中处理率要达到多少？"
DECLINE = "明天的足球比赛谁会赢？"
TIMEOUT_MS = 30_000
SHOTS = ROOT / "var" / "screenshots"
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}

# Every visible element with its own text: font size, line height, and for paragraphs the gap to the next.
MEASURE = """() => {
  const out = {minFont: 1e9, minFontAt: '', minRatio: 1e9, minRatioAt: '', paraRatio: 1e9, paraAt: '',
               base: parseFloat(getComputedStyle(document.body).fontSize)};
  for (const el of document.querySelectorAll('body *')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const r = el.getBoundingClientRect();
    if (!own || r.width === 0 || r.height === 0 || el.closest('.visually-hidden,[hidden],.skip-link')) continue;
    const cs = getComputedStyle(el);
    if (cs.visibility === 'hidden' || cs.display === 'none') continue;
    const fs = parseFloat(cs.fontSize);
    const lh = cs.lineHeight === 'normal' ? fs * 1.2 : parseFloat(cs.lineHeight);
    const name = el.tagName + '.' + el.className;
    if (fs < out.minFont) { out.minFont = fs; out.minFontAt = name; }
    if (lh / fs < out.minRatio && !['BUTTON', 'INPUT', 'SELECT'].includes(el.tagName)) {
      out.minRatio = lh / fs; out.minRatioAt = name; }
    const next = el.nextElementSibling;
    const nr = next ? next.getBoundingClientRect() : null;
    if (el.tagName === 'P' && next && next.tagName === 'P' && nr.height > 0 && nr.top >= r.bottom - 1) {
      const gap = nr.top - r.bottom;
      const ratio = (lh + gap) / lh;  /* baseline-to-baseline across paragraphs ÷ within a paragraph */
      if (ratio < out.paraRatio) { out.paraRatio = ratio; out.paraAt = name; }
    }
  }
  return out;
}"""


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture()
def open_page(browser: Any, live_server: str) -> Iterator[Any]:
    contexts: list[Any] = []
    errors: list[str] = []

    def make(path: str = "/", viewport: Any = "desktop", **kw: Any) -> Any:
        size = VIEWPORTS[viewport] if isinstance(viewport, str) else viewport
        ctx = browser.new_context(viewport=size, locale="zh-CN", **kw)
        contexts.append(ctx)
        page = ctx.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(live_server + path)
        return page

    yield make
    for ctx in contexts:
        ctx.close()
    assert errors == [], errors


def ask(page: Any, question: str) -> Any:
    before = page.locator("#answers .exchange").count()
    page.fill("#question", question)
    page.press("#question", "Enter")
    exchange = page.locator("#answers .exchange").nth(before)
    exchange.locator(".answer, .error").first.wait_for(state="visible", timeout=TIMEOUT_MS)
    return exchange


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_sizes_and_spacing_in_both_modes(open_page: Any, viewport: str, lang: str) -> None:
    page = open_page("/?lang=en" if lang == "en" else "/", viewport)
    exchange = ask(page, SEWAGE)
    exchange.locator("details.citation summary").first.click()
    href = exchange.locator(".citation-link").first.get_attribute("href")
    passage = page.context.new_page()
    passage.goto(href)

    def measure(mode: str) -> dict[str, Any]:
        chat, view = page.evaluate(MEASURE), passage.evaluate(MEASURE)
        shot(page, f"chat-{viewport}-{lang}-{mode}")
        shot(passage, f"passage-{viewport}-{lang}-{mode}")
        assert view["paraRatio"] < 1e9  # the passage page has paragraphs to measure
        return {"minFont": min(chat["minFont"], view["minFont"]), "minFontAt": chat["minFontAt"],
                "base": chat["base"], "minRatio": min(chat["minRatio"], view["minRatio"]),
                "paraRatio": min(chat["paraRatio"], view["paraRatio"])}

    normal = measure("normal")
    page.click("#toggle-large")
    assert page.get_attribute("#toggle-large", "aria-pressed") == "true"
    passage.reload()
    large = measure("large")
    print(f"\n[measure] {viewport} {lang}: normal min font {normal['minFont']:.1f}px ({normal['minFontAt']}), "
          f"base {normal['base']:.0f}px, line/size ≥ {normal['minRatio']:.2f}, paragraph ≥ {normal['paraRatio']:.2f}; "
          f"large min font {large['minFont']:.1f}px, base {large['base']:.0f}px, "
          f"line/size ≥ {large['minRatio']:.2f}, paragraph ≥ {large['paraRatio']:.2f}")
    assert normal["minFont"] >= 14, normal
    assert large["base"] >= 18 and large["minFont"] >= 17, large
    for m in (normal, large):
        assert m["minRatio"] >= 1.3, m
        assert m["paraRatio"] >= 1.3, m
    # persisted per browser: a new page in the same context keeps the mode
    again = page.context.new_page()
    again.goto(page.url)
    assert again.evaluate("document.documentElement.classList.contains('mode-large')")
    assert again.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 18
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]


def test_high_contrast_mode(open_page: Any) -> None:
    page = open_page("/")
    ask(page, SEWAGE)
    page.click("#toggle-contrast")
    colours = page.evaluate("""() => {
        const lum = c => { const [r, g, b] = c.match(/\\d+/g).slice(0, 3).map(v => { v /= 255;
            return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
            return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
        const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
        const text = getComputedStyle(document.querySelector('.answer-text p'));
        const soft = getComputedStyle(document.querySelector('.citations-title'));
        const bg = getComputedStyle(document.querySelector('.answers')).backgroundColor;
        return {answer: ratio(text.color, bg), soft: ratio(soft.color, bg)};
    }""")
    shot(page, "chat-desktop-zh-contrast")
    assert colours["answer"] >= 7 and colours["soft"] >= 7, colours


def test_320px_nothing_cut_off(open_page: Any) -> None:
    page = open_page("/", {"width": 320, "height": 640})
    for mode in ("normal", "large"):
        if mode == "large":
            page.click("#toggle-large")
        ask(page, SEWAGE)
        cut = page.evaluate("""() => {
            const wide = document.documentElement.scrollWidth;
            const input = document.querySelector('#question');
            const cs = getComputedStyle(input, '::placeholder');
            const c = document.createElement('canvas').getContext('2d');
            c.font = cs.fontSize + ' ' + getComputedStyle(input).fontFamily;
            const text = c.measureText(input.placeholder).width;
            const room = input.clientWidth - parseFloat(getComputedStyle(input).paddingLeft)
                         - parseFloat(getComputedStyle(input).paddingRight);
            const clipped = [...document.querySelectorAll('button, a, .suggestion, .pref-toggle')]
              .filter(b => b.getBoundingClientRect().width > 0 && b.scrollWidth > b.clientWidth + 1).map(b => b.textContent);
            return {wide, text, room, clipped};
        }""")
        shot(page, f"chat-320-{mode}")
        assert cut["wide"] <= 320, cut
        assert cut["text"] <= cut["room"], cut  # the placeholder is not cut off
        assert cut["clipped"] == [], cut


def test_keyboard_only(open_page: Any, live_server: str) -> None:
    page = open_page("/")
    posted: list[str] = []
    page.on("request", lambda r: posted.append(r.post_data or "") if r.url.endswith("/api/feedback") else None)
    page.keyboard.press("Tab")  # skip link first
    assert page.evaluate("document.activeElement.className") == "skip-link"
    seen = set()
    for _ in range(30):
        page.keyboard.press("Tab")
        seen.add(page.evaluate("document.activeElement.id || document.activeElement.className"))
    assert {"toggle-large", "toggle-contrast", "question"} <= seen, seen
    page.focus(".suggestion")
    page.keyboard.press("Enter")
    answer = page.locator("#answers .answer").first
    answer.wait_for(state="visible", timeout=TIMEOUT_MS)
    summary = answer.locator("details.citation summary").first
    summary.focus()
    page.keyboard.press("Enter")
    assert answer.locator("details.citation").first.get_attribute("open") is not None
    answer.locator(".feedback-down").focus()
    page.keyboard.press("Enter")
    page.locator(".comment-input").wait_for(state="visible")
    assert page.evaluate("document.activeElement.className") == "comment-input"
    page.keyboard.type("希望写明具体位置")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('.action-status').textContent.length > 0")
    page.wait_for_timeout(300)
    assert len(posted) == 2 and "希望写明具体位置" in posted[1] and '"helpful":false' in posted[0]


def test_passage_drawer_and_page(open_page: Any, live_server: str) -> None:
    page = open_page("/")
    exchange = ask(page, SEWAGE)
    citation = exchange.locator("details.citation").first
    citation.locator("summary").click()
    link = citation.locator(".citation-link")
    href = link.get_attribute("href")
    url_before = page.url
    link.click()
    drawer = page.locator(".drawer")
    drawer.locator(".drawer-text").wait_for(state="visible", timeout=TIMEOUT_MS)
    assert page.url == url_before  # the conversation is not left
    assert "污水" in drawer.locator(".drawer-text mark").inner_text()
    shot(page, "drawer-desktop-zh")
    drawer.locator(".drawer-nav button").first.click()  # previous/next inside the drawer
    page.wait_for_function("!document.querySelector('.drawer-text mark')")
    page.keyboard.press("Escape")
    assert page.locator(".drawer").count() == 0
    assert page.evaluate("document.activeElement.className") == "citation-link"
    # the same link opened as a page (new tab, shared link): the readable passage view
    view = page.context.new_page()
    view.goto(href)
    assert view.locator("mark#quote").count() == 1 and "污水" in view.locator("mark#quote").inner_text()
    assert view.locator(".trail li").count() >= 1
    assert view.locator("a[rel=prev], a[rel=next]").count() >= 1
    shot(view, "passage-desktop-zh")
    view.locator("a[href*='/outline/']").click()
    view.wait_for_load_state()
    assert "/outline/" in view.url and view.locator(".outline__item a").count() > 10


def test_history_survives_reload_and_deep_links(open_page: Any, live_server: str) -> None:
    page = open_page("/")
    ask(page, SEWAGE)
    page.reload()
    page.locator("#answers .exchange .answer").first.wait_for(state="visible")
    assert page.locator("#answers .question-text").first.inner_text() == SEWAGE
    page.click("#clear-history")
    assert page.locator("#answers .exchange").count() == 0
    deep = open_page("/?q=" + "规划期限是哪几年？" + "&plan=pingquan-2021-2035")
    deep.locator("#answers .answer").first.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert deep.locator("#answers .question-text").first.inner_text() == "规划期限是哪几年？"
    deep.reload()
    deep.locator("#answers .answer").first.wait_for(state="visible")
    assert deep.locator("#answers .exchange").count() == 1  # not asked twice


def test_error_keeps_the_question_with_retry(open_page: Any) -> None:
    page = open_page("/")
    bad = "城镇\u200b污水"
    exchange = ask(page, bad)
    assert page.input_value("#question") == bad
    assert "控制字符" in exchange.locator(".error").inner_text()
    exchange.locator(".retry").click()
    page.locator("#answers .exchange .error").first.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert page.locator("#answers .exchange").count() == 1
    en = page.context.new_page()
    en.goto(page.url.split("?")[0] + "?lang=en")
    exchange = ask(en, bad)
    assert "control characters" in exchange.locator(".error").inner_text()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_decline_is_one_message_with_related_and_next_steps(open_page: Any, lang: str) -> None:
    page = open_page("/?lang=en" if lang == "en" else "/", "phone" if lang == "en" else "desktop")
    answer = ask(page, DECLINE).locator(".answer")
    assert answer.get_attribute("data-outcome") == "declined"
    titles = answer.locator(".citations-title").all_inner_texts()
    assert titles == (["Possibly related passages"] if lang == "en" else ["可能相关的内容"])
    steps = answer.locator(".next-steps").inner_text()
    assert ("rephrase" in steps) if lang == "en" else ("换一种说法" in steps and "咨询" in steps)
    assert answer.locator(".answer-status").count() == 0  # the message is said once
    shot(page, f"decline-{'phone-en' if lang == 'en' else 'desktop-zh'}")


NOT_STATED = "七沟镇的人口是多少？"  # the plan names the town but gives no population for it


def test_not_stated_says_what_the_plan_does_state_once_with_sources(open_page: Any) -> None:
    page = open_page("/")
    answer = ask(page, NOT_STATED).locator(".answer")
    assert answer.get_attribute("data-outcome") == "not_stated"
    text = answer.locator(".answer-text").inner_text()
    assert "没有明确说明" in text and "七沟镇" in text
    assert text.count("没有明确说明") == 1 and answer.locator(".answer-status").count() == 0
    assert "依据原文" in " ".join(answer.locator(".citations-title").all_inner_texts())
    assert "换一种说法" in answer.locator(".next-steps").inner_text()
    shot(page, "not-stated-desktop-zh")


def test_suggestions_are_residents_questions(open_page: Any) -> None:
    page = open_page("/")
    texts = page.locator(".suggestion").all_inner_texts()
    assert any("供水" in t for t in texts) and any("学校" in t for t in texts), texts
    assert page.locator("link[rel=icon]").count() == 1
    assert page.request.get(page.url.split("?")[0] + "favicon.ico").status == 200


def _own_labels(answer: Any) -> str:
    """The page's own words on an answer (not the server's text, the plan's quotes or its publisher)."""
    parts = answer.locator(".citations-title, .next-steps-title, .action, .answer-status, .followups-title")
    return " ".join(parts.all_inner_texts())


@pytest.mark.parametrize(("question", "outcome", "server_text"), [
    ("Who will win the football match tomorrow?", "declined", "cannot be answered from the plan"),
    ("Population of Qigou town in 2035?", "not_stated", "does not state"),
    (DECLINE, "declined", "无法据此回答"),  # a Chinese question: the server's text stays Chinese
    (NOT_STATED, "not_stated", "没有明确说明"),
])
def test_english_page_labels_for_either_language_of_question(open_page: Any, question: str, outcome: str,
                                                             server_text: str) -> None:
    page = open_page("/?lang=en")
    answer = ask(page, question).locator(".answer")
    assert answer.get_attribute("data-outcome") == outcome
    text = answer.locator(".answer-text").inner_text()
    assert text.count(server_text) == 1 and answer.locator(".answer-status").count() == 0
    labels = _own_labels(answer)
    assert labels and not re.search(r"[\u4e00-\u9fff]", labels), labels
    assert answer.locator(".next-steps li").first.inner_text().startswith("rephrase")
    assert page.locator(".question-label").last.inner_text() == "Q"
    assert answer.locator(".answer-text").get_attribute("lang") == (None if server_text.isascii() else "zh-CN")
    if outcome == "declined" and server_text.isascii():
        shot(page, "decline-desktop-en")
