"""PDF → Markdown-like text through pdfplumber (pdfminer.six): lines from words with font size and
position; headings by size above the body size; tables as ``|`` rows; page headers, footers and page
numbers removed by their repetition across pages; Kangxi radicals and CJK compatibility ideographs
(a browser-printed PDF extracts 国⼟ with U+2F1F) mapped to the unified ideographs they render.

Choice: that mapping is applied to the text the plan is read as (offsets index the mapped text), so
citations show 土 where the glyph shows 土; nothing else is normalised (full-width punctuation stays).
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.errors import IngestError
from ingest.formats.cjk import fold_compat

_EDGE = 0.09  # share of the page height at top and bottom where running heads and page numbers live
_PAGE_NO = re.compile(r"^(?:第?\s*[-—–]?\s*\d{1,4}\s*[-—–]?\s*页?|\d{1,4}\s*/\s*\d{1,4}|page\s*\d+.*)$", re.I)
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
_NUMBERED = re.compile(r"^(?:\d+(?:\.\d+)+\s*\S|第[一二三四五六七八九十百零〇\d]+[章节])")


@dataclass
class _Line:
    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    text: str
    table: list[list[str]] | None = None


def read_pdf(path: Path, raw: bytes) -> tuple[str, tuple[int, ...]]:
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # per-glyph font warnings are noise here
    try:
        with pdfplumber.open(io.BytesIO(raw)) as pdf:
            pages = [_page_lines(i + 1, page) for i, page in enumerate(pdf.pages)]
            heights = [float(page.height) for page in pdf.pages]
    except (PDFSyntaxError, ValueError, KeyError) as exc:
        raise IngestError(str(path), f"not a readable PDF ({exc})") from exc
    pages = _drop_furniture(pages, heights)
    if not any(pages):
        raise IngestError(str(path), "the PDF has no text layer (a scan?); expected a PDF with text")
    return _render(pages)


def _page_lines(number: int, page: Any) -> list[_Line]:
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    words = page.extract_words(extra_attrs=["size"], use_text_flow=True, keep_blank_chars=False)
    words = [w for w in words if not any(_inside(w, b) for b in boxes)]
    lines: list[_Line] = []
    for w in sorted(words, key=lambda w: (round(float(w["top"])), float(w["x0"]))):
        text = fold_compat(w["text"])
        last = lines[-1] if lines else None
        if last and last.table is None and abs(float(w["top"]) - last.top) < 0.5 * float(w["size"]):
            sep = "" if _CJK.match(text[:1]) or _CJK.match(last.text[-1:]) else " "
            last.text += sep + text
            last.x1, last.size = float(w["x1"]), max(last.size, float(w["size"]))
        else:
            lines.append(_Line(number, float(w["top"]), float(w["bottom"]), float(w["x0"]), float(w["x1"]),
                               float(w["size"]), text))
    for t, box in zip(tables, boxes, strict=True):
        rows = [[fold_compat(" ".join((c or "").split())) for c in row] for row in t.extract()]
        if rows:
            lines.append(_Line(number, box[1], box[3], box[0], box[2], 0.0, "", rows))
    return sorted(lines, key=lambda ln: ln.top)


def _inside(w: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = box
    return x0 - 1 <= float(w["x0"]) and float(w["x1"]) <= x1 + 1 and top - 1 <= float(w["top"]) \
        and float(w["bottom"]) <= bottom + 1


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s", "", text))


def _drop_furniture(pages: list[list[_Line]], heights: list[float]) -> list[list[_Line]]:
    """Lines in the top or bottom band that repeat (digits aside) on many pages, and page numbers there."""
    edge = [[ln for ln in lines if ln.table is None and _in_edge(ln, h)] for lines, h in zip(pages, heights, strict=True)]
    counts = Counter(s for lines in edge for s in {_shape(ln.text) for ln in lines})
    need = max(2, int(0.3 * len(pages)))
    repeated = {s for s, n in counts.items() if n >= need}
    out = []
    for lines, h in zip(pages, heights, strict=True):
        out.append([ln for ln in lines if not (ln.table is None and _in_edge(ln, h)
                                                and (_shape(ln.text) in repeated or _PAGE_NO.match(ln.text.strip())))])
    return out


def _in_edge(ln: _Line, height: float) -> bool:
    return ln.top < _EDGE * height or ln.bottom > (1 - _EDGE) * height


def _render(pages: list[list[_Line]]) -> tuple[str, tuple[int, ...]]:
    body = _body_size(pages)
    sizes = sorted({round(ln.size, 1) for lines in pages for ln in lines if ln.size >= body * 1.15}, reverse=True)
    right = max((ln.x1 for lines in pages for ln in lines), default=0.0)
    out: list[str] = []
    starts: list[int] = []
    prev: _Line | None = None
    for lines in pages:
        starts.append(sum(len(x) for x in out))
        for ln in lines:
            if ln.table is not None:
                out.append("\n" + _table(ln.table) + "\n")
                prev = None
                continue
            level = _heading_level(ln, body, sizes)
            if level:
                out.append(f"\n{'#' * level} {ln.text}\n")
                prev = None
            elif prev is not None and _continues(prev, ln, body, right):
                out[-1] = out[-1].rstrip("\n") + ln.text + "\n"
                prev = ln
            else:
                out.append("\n" + ln.text + "\n")
                prev = ln
    text = "".join(out)
    return text, tuple(starts)


def _body_size(pages: list[list[_Line]]) -> float:
    weights: Counter[float] = Counter()
    for lines in pages:
        for ln in lines:
            if ln.table is None:
                weights[round(ln.size, 1)] += len(ln.text)
    return weights.most_common(1)[0][0] if weights else 10.0


def _heading_level(ln: _Line, body: float, sizes: list[float]) -> int:
    if len(ln.text) > 40 or re.search(r"[。；]$", ln.text):
        return 0
    size = round(ln.size, 1)
    if size in sizes:
        return min(sizes.index(size) + 1, 4)
    return 0


def _continues(prev: _Line, ln: _Line, body: float, right: float) -> bool:
    """Same paragraph: the next line on the same page, close below, and the previous one ran to the
    right margin (a short line ends its paragraph)."""
    if prev.page != ln.page:
        return prev.x1 > right - 2 * body and not _NUMBERED.match(ln.text)
    gap = ln.top - prev.bottom
    return gap < 0.6 * body and prev.x1 > right - 2 * body and abs(prev.size - ln.size) < 0.5


def _table(rows: list[list[str]]) -> str:
    width = max(len(r) for r in rows)
    cells = [[(c or "").replace("|", "｜") for c in r] + [""] * (width - len(r)) for r in rows]
    lines = ["| " + " | ".join(cells[0]) + " |", "|" + "---|" * width]
    lines += ["| " + " | ".join(r) + " |" for r in cells[1:]]
    return "\n".join(lines)
