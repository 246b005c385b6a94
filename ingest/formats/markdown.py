"""Markdown converted from PDF (MinerU and similar tools): its HTML ``<table>``s become ``|`` rows, like
the tables of every other format, so one set of table rules reads them. Merged cells (``rowspan``,
``colspan``) repeat their text in each cell they cover, as python-docx reports merged cells. The rest of
the text (headings, paragraphs, image lines, anchors) is kept as published."""

from __future__ import annotations

import re
from typing import Any

from ingest.formats.docx import table_rows

_TABLE = re.compile(r"<table\b.*?</table\s*>", re.I | re.S)


def has_html_tables(text: str) -> bool:
    return "<table" in text.lower()


def html_tables_as_rows(text: str) -> str:
    """``text`` with each ``<table>…</table>`` replaced by its rows, set off by blank lines."""
    return _TABLE.sub(lambda m: "\n\n" + _rows(m.group(0)) + "\n\n", text)


def _rows(html: str) -> str:
    from bs4 import BeautifulSoup

    table = BeautifulSoup(html, "lxml").find("table")
    if table is None:
        return html
    grid = _grid([tr.find_all(["td", "th"]) for tr in _own_rows(table)])
    return table_rows(grid) or html


def _own_rows(table: Any) -> list[Any]:
    """The table's rows, not those of a table nested in a cell."""
    return [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]


def _grid(rows: list[list[Any]]) -> list[list[str]]:
    """Cells placed on a grid: a cell spanning rows or columns fills every slot it covers."""
    filled: dict[tuple[int, int], str] = {}
    for r, cells in enumerate(rows):
        c = 0
        for cell in cells:
            while (r, c) in filled:
                c += 1
            text = cell.get_text(" ", strip=True)
            for dr in range(_span(cell, "rowspan")):
                for dc in range(_span(cell, "colspan")):
                    filled.setdefault((r + dr, c + dc), text)
            c += _span(cell, "colspan")
    width = max((c for _r, c in filled), default=-1) + 1
    return [[filled.get((r, c), "") for c in range(width)] for r in range(len(rows))]


def _span(cell: Any, name: str) -> int:
    try:
        return max(1, min(int(str(cell.get(name, 1))), 50))
    except ValueError:
        return 1
