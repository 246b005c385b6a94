"""DOCX → Markdown-like text through python-docx: body paragraphs and tables in document order;
heading styles (Heading N / 标题 N / Title) become ``#`` lines, tables ``|`` rows."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from ingest.errors import IngestError
from ingest.formats.cjk import fold_compat

_LEVEL = re.compile(r"(?:heading|标题)\s*(\d)", re.I)


def read_docx(path: Path, raw: bytes) -> str:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(raw))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise IngestError(str(path), f"not a readable Word .docx file ({exc})") from exc
    out: list[str] = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            para = Paragraph(child, document)
            text = fold_compat(para.text.strip())
            if text:
                level = _level(para.style.name if para.style is not None else "")
                out.append(f"{'#' * level} {text}" if level else text)
        elif tag == "tbl":
            out.append(table_rows([[c.text for c in row.cells] for row in Table(child, document).rows]))
    if not out:
        raise IngestError(str(path), "the .docx file has no text")
    return "\n\n".join(out) + "\n"


def _level(style: str) -> int:
    if style.lower() == "title":
        return 1
    m = _LEVEL.search(style)
    return min(int(m.group(1)), 6) if m else 0


def table_rows(rows: list[list[str]]) -> str:
    """Rows as a Markdown pipe table (merged cells repeat their text, as python-docx reports them)."""
    rows = [[fold_compat(" ".join(c.split())).replace("|", "｜") for c in r] for r in rows if any(c.strip() for c in r)]
    if not rows:
        return ""
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows[1:]])
