"""Read a plan file: detect its encoding, refuse what is not text, keep the text as published."""

from __future__ import annotations

import codecs
import hashlib
import json
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from ingest.corrections import SUFFIX, corrections_path, load_corrections
from ingest.errors import IngestError
from ingest.formats import CONVERTED, convert
from ingest.formats.markdown import has_html_tables, html_tables_as_rows
from ingest.meta import complete
from ingest.meta import from_text as meta_from_text
from ingest.records import Document, PlanMeta

_MAX_BYTES = 20 * 1024 * 1024
# Control characters that never occur in a text plan (tab, LF, CR, FF are allowed).
_BAD_CONTROLS = {chr(c) for c in range(32) if c not in (9, 10, 12, 13)} | {"\x7f"}


def read_plan(path: str | Path, meta: PlanMeta | None = None) -> Document:
    """Read ``path`` into a Document: text files are decoded (UTF-8 with/without BOM, UTF-16 with BOM,
    GB18030/GBK); .pdf, .docx and .html go through their readers (``ingest.formats``) into the same
    Markdown-like text. ``meta`` (a manifest) overrides what the document says about itself; its id is
    kept as given. Raises IngestError for a missing, empty, oversized, binary or undecodable file.
    """
    p = Path(path)
    src = load_source(p)
    found = meta_from_text(src.text, p.stem)
    meta = complete(meta, replace(found, source=p.name), placeholder=p.stem) if meta else \
        replace(found, source=p.name)
    fixes_at = corrections_path(p.parent, meta.id)
    if not fixes_at.exists():
        fixes_at = corrections_path(p.parent, p.stem)
    fixes, fact_fixes = load_corrections(fixes_at)
    return Document(plan=meta, path=str(p), text=src.text, encoding=src.encoding, sha256=src.sha256,
                    corrections=fixes, fact_corrections=fact_fixes, page_starts=src.page_starts)


def plan_meta_for(path: str | Path) -> PlanMeta:
    """What a plan file says about itself (no manifest): id is a readable slug of its place and period."""
    p = Path(path)
    return replace(meta_from_text(load_source(p).text, p.stem), source=p.name)


@dataclass(frozen=True)
class Source:
    """A plan file as read: its text (Markdown-like for converted formats) and where its pages start."""

    text: str
    encoding: str
    sha256: str
    page_starts: tuple[int, ...] = ()


def load_source(p: Path) -> Source:
    try:
        stat = p.stat()
    except OSError as exc:
        raise IngestError(str(p), f"cannot read file ({exc.strerror})") from exc
    return _load_source(str(p), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _load_source(name: str, _mtime: int, _size: int) -> Source:
    """Read once per file version (discovery reads the cover for metadata, the build reads the text)."""
    p = Path(name)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise IngestError(str(p), f"cannot read file ({exc.strerror})") from exc
    if len(raw) > _MAX_BYTES:
        raise IngestError(str(p), f"file is {len(raw)} bytes; a plan text is at most {_MAX_BYTES}")
    digest = hashlib.sha256(raw).hexdigest()
    suffix = p.suffix.lower()
    if suffix in CONVERTED:
        text, page_starts = convert(p, raw, suffix)
        return Source(text, suffix.lstrip("."), digest, page_starts)
    text, encoding = decode(raw, str(p))
    if not text.strip():
        raise IngestError(str(p), "file is empty; expected the text of a plan")
    _check_text(text, str(p))
    if has_html_tables(text):  # Markdown from a PDF converter (MinerU): tables as rows like every format
        text = html_tables_as_rows(text)
    return Source(text, encoding, digest)


def decode(raw: bytes, name: str) -> tuple[str, str]:
    """Return ``(text, encoding)``; the BOM, if any, is not part of the text."""
    if not raw:
        raise IngestError(name, "file is empty; expected the text of a plan")
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            return _strict(raw, enc, name), enc
    if _looks_utf16(raw):
        enc = "utf-16-le" if raw[1::2].count(0) > raw[0::2].count(0) else "utf-16-be"
        return _strict(raw, enc, name), enc
    if b"\x00" in raw:
        for enc in ("utf-16-le", "utf-16-be"):
            text = _plausible(raw, enc)
            if text is not None:
                return text, enc
        raise IngestError(name, "file is binary (contains NUL bytes); expected a UTF-8, UTF-16 or GBK text")
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(raw) - 3 and exc.reason == "unexpected end of data":
            line = raw[: exc.start].count(b"\n") + 1
            raise IngestError(name, "file is truncated in the middle of a UTF-8 character", line) from exc
        utf8_error = exc
    try:
        return raw.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        line = raw[: utf8_error.start].count(b"\n") + 1
        raise IngestError(name, "not valid UTF-8, UTF-16 or GB18030/GBK text", line) from exc


def _looks_utf16(raw: bytes) -> bool:
    sample = raw[:4096]
    if len(sample) < 4:
        return False
    zeros_even, zeros_odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    # CJK UTF-16 has few NULs, ASCII-heavy UTF-16 many; either way NULs cluster on one side.
    return max(zeros_even, zeros_odd) > 0.2 * half and min(zeros_even, zeros_odd) < 0.02 * half


def _plausible(raw: bytes, enc: str) -> str | None:
    """UTF-16 without a BOM: accept only if it decodes to mostly CJK, ASCII text and line breaks."""
    if len(raw) % 2:
        return None
    try:
        text = raw.decode(enc)
    except UnicodeDecodeError:
        return None
    good = sum(1 for ch in text if ch.isprintable() or ch in "\n\r\t")
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    return text if good >= 0.98 * len(text) and cjk + text.count("\n") > 0.2 * len(text) else None


def _strict(raw: bytes, enc: str, name: str) -> str:
    try:
        return raw.decode(enc)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1 if "16" not in enc else None
        raise IngestError(name, f"declared {enc} by its byte order mark but does not decode", line) from exc


def _check_text(text: str, name: str) -> None:
    bad = sum(1 for ch in text[:20000] if ch in _BAD_CONTROLS or ch == "\ufffd")
    if bad > max(3, len(text[:20000]) // 200):
        raise IngestError(name, "file looks binary (control characters); expected plan text")


PLAN_SUFFIXES = (".md", ".txt", ".pdf", ".docx", ".html", ".htm")


def read_manifest(path: str | Path) -> PlanMeta:
    """Read a plan manifest JSON (``data/plans/<id>.json``): overrides of what the document says.
    ``source`` defaults to the plan file with the manifest's stem; ``id`` and ``title`` to the
    document's own (see :func:`discover_plans`)."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IngestError(str(p), f"manifest is not readable JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise IngestError(str(p), "manifest must be a JSON object")
    if not data.get("source"):
        found = next((p.with_suffix(s) for s in PLAN_SUFFIXES if p.with_suffix(s).exists()), None)
        if found is None:
            raise IngestError(str(p), f"manifest lacks source and no {p.stem}.md/.pdf/.docx/.html is beside it")
        data["source"] = found.name
    known = {f for f in PlanMeta.__dataclass_fields__}
    values: dict[str, Any] = {k: (tuple(v) if isinstance(v, list) else v) for k, v in data.items() if k in known}
    return PlanMeta(**{"id": "", "title": "", **values})


def discover_plans(folder: str | Path) -> list[tuple[PlanMeta, Path]]:
    """Every ``*.json`` manifest in ``folder`` with the path of its text, sorted by plan id; what a
    manifest leaves out comes from the document (its id: a slug of the place and period)."""
    out = []
    for mf in sorted(Path(folder).glob("*.json")):
        if mf.name.endswith(SUFFIX):
            continue
        given = read_manifest(mf)
        path = mf.parent / given.source
        found = replace(meta_from_text(load_source(path).text, path.stem), source=given.source)
        out.append((complete(given, found), path))
    return sorted(out, key=lambda t: t[0].id)
