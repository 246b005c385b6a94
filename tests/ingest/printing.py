"""Make published-format copies of a plan text in the tests: HTML, a PDF printed by chromium, a DOCX."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
_MD = re.compile(r"^\s{0,3}(#{1,6})\s*(.*?)\s*#*\s*$")


def blocks(text: str) -> list[tuple[str, object]]:
    """("h<n>", title) / ("p", text) / ("table", rows) blocks of a Markdown-like plan text."""
    out: list[tuple[str, object]] = []
    rows: list[list[str]] = []
    for line in [*text.splitlines(), ""]:
        cells = _cells(line)
        if cells is not None:
            if not all(set(c) <= set("-: ") for c in cells):
                rows.append(cells)
            continue
        if rows:
            out.append(("table", rows))
            rows = []
        m = _MD.match(line)
        body = re.sub(r"\*\*|__", "", (m.group(2) if m else line)).strip()
        if not body or body.startswith("!["):
            continue
        out.append((f"h{len(m.group(1))}" if m else "p", body))
    return out


def _cells(line: str) -> list[str] | None:
    if line.lstrip().startswith("|"):
        return [c.strip() for c in line.strip().strip("|").split("|")]
    if "\t" in line and line.strip():
        return [c.strip() for c in line.split("\t")]
    return None


def to_html(text: str, title: str) -> str:
    parts = []
    for kind, body in blocks(text):
        if kind == "table":
            rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in body)  # type: ignore[union-attr]
            parts.append(f"<table border='1'>{rows}</table>")
        else:
            parts.append(f"<{kind}>{html.escape(str(body))}</{kind}>")
    style = ("body{font-family:'Noto Sans CJK SC',sans-serif;font-size:12pt}h1{font-size:22pt}"
             "h2{font-size:17pt}h3{font-size:14pt}h4{font-size:13pt}table{border-collapse:collapse}")
    return (f"<!doctype html><html lang='zh'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{style}</style></head><body>{''.join(parts)}</body></html>")


def print_pdf(html_path: Path, pdf_path: Path) -> None:
    """Headless chromium's print to PDF, with its default header (date, title) and footer (URL, page)."""
    assert CHROMIUM
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--no-first-run", f"--print-to-pdf={pdf_path}",
                    html_path.as_uri()], check=True, capture_output=True, timeout=120)


def to_docx(text: str, out: Path) -> None:
    import docx

    d = docx.Document()
    for kind, body in blocks(text):
        if kind == "table":
            rows: list[list[str]] = body  # type: ignore[assignment]
            width = max(len(r) for r in rows)
            table = d.add_table(rows=len(rows), cols=width)
            for i, r in enumerate(rows):
                for j, c in enumerate(r):
                    table.cell(i, j).text = c
        elif kind == "p":
            d.add_paragraph(str(body))
        else:
            d.add_heading(str(body), level=min(int(kind[1]), 9))
    d.save(str(out))
