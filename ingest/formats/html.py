"""HTML (a published 公众版 page) → Markdown-like text through BeautifulSoup with lxml: the main
content only (``<main>``/``<article>``/the element holding most paragraph text; navigation, headers,
footers, scripts and forms dropped), ``h1``–``h6`` as ``#`` lines, tables as ``|`` rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ingest.errors import IngestError
from ingest.formats.cjk import fold_compat
from ingest.formats.docx import table_rows

_DROP = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg", "button")
_BLOCKS = ("p", "li", "dd", "dt", "blockquote", "pre", "caption")


def read_html(path: Path, raw: bytes) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(raw, "lxml")
    for tag in soup(_DROP):
        tag.decompose()
    root = main_content(soup)
    if root is None:
        raise IngestError(str(path), "the HTML page has no body text")
    out: list[str] = []
    _walk(root, out)
    text = "\n\n".join(x for x in out if x.strip())
    if not text.strip():
        raise IngestError(str(path), "the HTML page has no body text")
    return text + "\n"


def main_content(soup: Any) -> Any:
    for sel in ("main", "article", "[role=main]", "#content", ".content", ".article", ".TRS_Editor"):
        found = soup.select_one(sel)
        if found is not None and len(found.get_text(strip=True)) > 200:
            return found
    best, score = soup.body, 0
    for el in soup.find_all(["div", "section", "td"]):
        s = sum(len(p.get_text(strip=True)) for p in el.find_all(["p", "h1", "h2", "h3", "table"], recursive=False))
        if s > score:
            best, score = el, s
    return best


def _walk(el: Any, out: list[str]) -> None:
    for child in el.children:
        name = getattr(child, "name", None)
        if name is None:
            text = fold_compat(" ".join(str(child).split()))
            if text:
                out.append(text)
        elif name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            out.append(f"{'#' * int(name[1])} {fold_compat(child.get_text(' ', strip=True))}")
        elif name == "table":
            out.append(table_rows([[c.get_text(" ", strip=True) for c in tr.find_all(["td", "th"])]
                                   for tr in child.find_all("tr")]))
        elif name in _BLOCKS:
            text = fold_compat(child.get_text("", strip=True))
            if text:
                out.append(("- " if name == "li" else "") + text)
        elif name == "br":
            continue
        else:
            _walk(child, out)
