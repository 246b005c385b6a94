"""What we read from a SPARQL query's text without parsing it (Oxigraph parses, in the worker).

``screen`` is the check the web thread runs: size, emptiness and the SERVICE wall. It is sound
whatever any parser does: after ``\\u``/``\\U`` unescaping (to a fixed point) and Unicode case
folding of the *whole* text, a query that contains ``service`` anywhere — keyword, string, IRI,
comment — is refused, so no lexer disagreement (comments ended by ``\\r``, escapes inside strings)
can smuggle the keyword past it. The cost: an IRI or a literal spelling "service" cannot be
written literally (build it with ``CONCAT``).

``analyse`` runs in the worker: a small lexer (comments, strings, IRIs, names) finds the query
form, whether the text is an update, and its dataset clauses (``FROM`` / ``FROM NAMED``). It only
steers correct results (which graphs to use) and messages; safety does not depend on it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urljoin

from ingest.errors import QueryRejected

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
FORBIDDEN = "service"
MAX_DEPTH = 200  # brackets nested deeper overflow Oxigraph's parser stack

UPDATE_KEYWORDS = frozenset("INSERT DELETE LOAD CLEAR DROP CREATE COPY MOVE ADD WITH".split())
QUERY_FORMS = frozenset("SELECT CONSTRUCT DESCRIBE ASK".split())

READ_ONLY = ("只读端点不接受更新操作（INSERT/DELETE/LOAD/CLEAR/DROP/CREATE 等）。"
             " / This endpoint is read-only: SPARQL Update is not accepted.")  # fmt: skip
NO_SERVICE = ("不允许 SERVICE（联邦查询）：查询文本中不能出现 “service” 一词（包括字符串、IRI 和注释；"
              "需要时用 CONCAT 拼出）。 / SERVICE (federated query) is not allowed: the word “service” may not "
              "occur anywhere in the query text, strings, IRIs and comments included (build it with CONCAT).")  # fmt: skip


def _replace(m: re.Match[str]) -> str:
    code = int(m.group(1) or m.group(2), 16)
    return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else m.group(0)


def unescape(text: str) -> str:
    """``\\uXXXX`` and ``\\UXXXXXXXX`` replaced by their characters, repeatedly until none is left."""
    while True:
        out = _ESCAPE.sub(_replace, text)
        if out == text:
            return out
        text = out


def folded(text: str) -> str:
    """The text unescaped, case-folded, compatibility-decomposed and without combining marks."""
    low = unescape(text).casefold()
    if low.isascii():
        return low
    return _COMBINING.sub("", unicodedata.normalize("NFKD", low))


def screen(text: str, max_bytes: int) -> None:
    """The web thread's checks: size in UTF-8 bytes, not empty, no ``service`` anywhere."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise QueryRejected(
            f"查询过长：{size} 字节，最多 {max_bytes} 字节。 / Query too long: {size} bytes, at most {max_bytes}."
        )
    if not text.strip():
        raise QueryRejected("缺少查询语句。 / The query is empty.")
    if FORBIDDEN in folded(text):
        raise QueryRejected(NO_SERVICE)


# ---------------------------------------------------------------- a lexer for the worker

_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t\r\n\f\v]+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>'''(?:[^'\\]|\\[\s\S]|'(?!''))*'''|\"\"\"(?:[^"\\]|\\[\s\S]|"(?!""))*\"\"\"
              |'(?:[^'\\\r\n]|\\.)*'|"(?:[^"\\\r\n]|\\.)*")
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f\u2040]+)
  | (?P<pname>(?:[^\W\d_][\w-]*)?:(?:[\w:%-]|\\[^\s]|\.(?=[\w:%\\-]))*)
  | (?P<name>[A-Za-z_]\w*)
  | (?P<other>[\s\S])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str


@dataclass
class QueryShape:
    """What the lexer saw: the form (None if unclear), update or not, and the dataset clauses."""

    form: str | None = None
    update: bool = False
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    depth: int = 0  # deepest nesting of ( [ {

    @property
    def has_dataset(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


def tokens(text: str) -> list[Token]:
    """Significant tokens (no whitespace, no comments)."""
    out = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind not in ("ws", "comment"):
            out.append(Token(kind, m.group()))
    return out


def _iri(tok: Token, prefixes: dict[str, str], base: str | None) -> str | None:
    if tok.kind == "iri":
        iri = unescape(tok.text[1:-1])
        return urljoin(base, iri) if base and ":" not in iri else iri
    if tok.kind == "pname":
        prefix, local = tok.text.split(":", 1)
        if prefix in prefixes:
            return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    return None


def analyse(text: str, known: dict[str, str] | None = None) -> QueryShape:
    """Form, update flag and FROM / FROM NAMED IRIs of ``text`` (prefixed names resolved)."""
    toks = tokens(text)
    prefixes, base = dict(known or {}), None
    shape, i = QueryShape(), 0
    while i < len(toks):  # prologue: BASE <iri> | PREFIX p: <iri>
        word = toks[i].text.upper() if toks[i].kind == "name" else ""
        if word == "BASE" and i + 1 < len(toks) and toks[i + 1].kind == "iri":
            base, i = unescape(toks[i + 1].text[1:-1]), i + 2
        elif word == "PREFIX" and i + 2 < len(toks) and toks[i + 1].kind == "pname" and toks[i + 2].kind == "iri":
            prefixes[toks[i + 1].text.split(":", 1)[0]] = _iri(toks[i + 2], {}, base) or ""
            i += 3
        else:
            break
    if i < len(toks) and toks[i].kind == "name":
        word = toks[i].text.upper()
        shape.form = word if word in QUERY_FORMS else None
        shape.update = word in UPDATE_KEYWORDS
    level = 0
    for tok in toks:
        if tok.kind == "other" and tok.text in "([{":
            level += 1
            shape.depth = max(shape.depth, level)
        elif tok.kind == "other" and tok.text in ")]}":
            level -= 1
    for j, tok in enumerate(toks):
        if tok.kind != "name" or tok.text.upper() != "FROM" or j + 1 >= len(toks):
            continue
        named = toks[j + 1].kind == "name" and toks[j + 1].text.upper() == "NAMED"
        target = toks[j + 2] if named and j + 2 < len(toks) else toks[j + 1]
        iri = _iri(target, prefixes, base)
        if iri is not None:
            (shape.named_graphs if named else shape.default_graphs).append(iri)
    return shape


def shape_of(text: str, known: dict[str, str] | None = None) -> QueryShape:
    """``analyse(text)`` when the text may hold a dataset clause or deep nesting; else the plain shape
    at once (most queries: no lexing on the hot path)."""
    if "from" in text.lower() or sum(text.count(c) for c in "([{") > MAX_DEPTH:
        return analyse(text, known)
    return QueryShape()


def foreign_graphs(shape: QueryShape, graph_ns: str) -> list[str]:
    """Dataset IRIs that are not this server's plan graphs (``graph_ns`` = ``{base}/graph/``)."""
    return [g for g in [*shape.default_graphs, *shape.named_graphs] if not g.startswith(graph_ns)]


def refuse_foreign(graphs: list[str], graph_ns: str) -> None:
    if graphs:
        raise QueryRejected(
            f"FROM / FROM NAMED / default-graph-uri / named-graph-uri 只能指向本服务的规划图（{graph_ns}…），"
            f"不允许 <{graphs[0]}>。 / Dataset graphs may only be this server's plan graphs ({graph_ns}…)."
        )
