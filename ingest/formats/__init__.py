"""Readers for published formats, each through a well-kept library, into one Markdown-like text.

Every reader returns ``(text, page_starts)``: headings as ``#`` lines (levels from styles or font size),
paragraphs separated by blank lines, tables as ``|`` rows, and for paged formats the offset where each
page begins. Structure recovery and extraction then work only on that text (``ingest.structure``).
"""

from __future__ import annotations

from pathlib import Path

from ingest.errors import IngestError

CONVERTED = (".pdf", ".docx", ".html", ".htm")


def convert(path: Path, raw: bytes, suffix: str) -> tuple[str, tuple[int, ...]]:
    if suffix == ".pdf":
        from ingest.formats.pdf import read_pdf

        return read_pdf(path, raw)
    if suffix == ".docx":
        from ingest.formats.docx import read_docx

        return read_docx(path, raw), ()
    if suffix in (".html", ".htm"):
        from ingest.formats.html import read_html

        return read_html(path, raw), ()
    raise IngestError(str(path), f"unsupported format {suffix}; expected .md, .txt, .pdf, .docx or .html")
