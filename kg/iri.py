"""IRI minting for plan resources (docs/ARCHITECTURE.md, "IRIs"), and its inverse for the web layer.

Entities: ``{base}/id/{plan}/{kind-lowercase}/{key}``; passages and sections use the kinds
``passage`` and ``section``; the plan itself is ``{base}/id/{plan}``; its named graph
``{base}/graph/{plan}``. Keys keep Chinese as is (IRIs allow it); only characters that may not
appear in an IRI path segment are percent-encoded.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from rdflib import URIRef

from ontology import FACT_KINDS, PLAN

DEFAULT_BASE = "https://w3id.org/plankg"

# Characters not allowed in an IRI path segment (RFC 3987) plus the delimiters / ? # and % itself.
_UNSAFE = frozenset(' /?#%<>"{}|\\^`')

# "town" -> "Town"; the document kinds map to themselves.
_KIND_BY_SEGMENT = {kind.lower(): kind for kind in (*FACT_KINDS, "Passage", "Section")}


def encode_segment(key: str) -> str:
    """Percent-encode (UTF-8, upper-case hex) the characters of ``key`` unsafe in an IRI segment."""
    out = []
    for ch in key:
        if ch in _UNSAFE or ord(ch) < 0x21 or ord(ch) == 0x7F:
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8")))
        else:
            out.append(ch)
    return "".join(out)


def _base(base: str) -> str:
    return base.rstrip("/")


def kind_segment(kind: str) -> str:
    """The IRI path segment of a class local name: ``NatureReserve`` -> ``naturereserve``."""
    if kind.lower() not in _KIND_BY_SEGMENT:
        raise ValueError(f"unknown kind {kind!r}: not a fact class of the plan ontology")
    return kind.lower()


def plan_iri(base: str, plan: str) -> URIRef:
    return URIRef(f"{_base(base)}/id/{encode_segment(plan)}")


def graph_iri(base: str, plan: str) -> URIRef:
    return URIRef(f"{_base(base)}/graph/{encode_segment(plan)}")


def entity_iri(base: str, plan: str, kind: str, key: str) -> URIRef:
    """The IRI of the entity ``(kind, key)`` of ``plan``; ``kind`` = ``"Concept"`` gives ``plan:<key>``."""
    if kind == "Concept":
        return PLAN[key]  # raises AttributeError for an unknown concept
    return URIRef(f"{plan_iri(base, plan)}/{kind_segment(kind)}/{encode_segment(key)}")


def passage_iri(base: str, plan: str, passage_id: str) -> URIRef:
    return entity_iri(base, plan, "Passage", passage_id)


def section_iri(base: str, plan: str, section_id: str) -> URIRef:
    return entity_iri(base, plan, "Section", section_id)


@dataclass(frozen=True)
class EntityPath:
    """What an ``/id/...`` path names: ``kind`` is a class local name (``Town``, ``Passage``,
    ``Section``) or ``Plan`` (then ``key`` is the plan id)."""

    plan: str
    kind: str
    key: str


def parse_entity_path(path: str) -> EntityPath:
    """Inverse of the minting functions, for the IRI's path (``/id/{plan}[/{kind}/{key}]``).

    ``path`` is the raw, still percent-encoded path (with or without the leading ``/`` and any
    path prefix of ``base``); the key may itself contain an encoded or literal ``/``.
    Raises ``ValueError`` for a path that names no entity.
    """
    rest = path.lstrip("/")
    if not rest.startswith("id/"):
        raise ValueError(f"not an entity path: {path!r}")
    parts = rest[len("id/") :].split("/", 2)
    if len(parts) == 1 and parts[0]:
        plan = unquote(parts[0])
        return EntityPath(plan=plan, kind="Plan", key=plan)
    if len(parts) != 3 or not parts[0] or not parts[2]:
        raise ValueError(f"not an entity path: {path!r}")
    kind = _KIND_BY_SEGMENT.get(parts[1])
    if kind is None:
        raise ValueError(f"unknown kind {parts[1]!r} in {path!r}")
    return EntityPath(plan=unquote(parts[0]), kind=kind, key=unquote(parts[2]))


def parse_entity_iri(base: str, iri: str) -> EntityPath:
    """``parse_entity_path`` for a full IRI minted under ``base``."""
    prefix = _base(base) + "/"
    if not iri.startswith(prefix):
        raise ValueError(f"{iri!r} is not under {base!r}")
    return parse_entity_path(iri[len(prefix) - 1 :])
