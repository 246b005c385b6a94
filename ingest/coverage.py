"""What a plan yielded, for staff: its sections with their numbers, entity counts per class and its
indicators (``plankg stats --plan ID``), and a short summary line per plan (``plankg ingest``).

Pure functions over records; the CLI prints what they return."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from ingest.records import Fact, Passage, PlanMeta, Ref, Section, Value

_STATUS = {"Current": "现状", "Planned": "规划"}


@dataclass(frozen=True)
class IndicatorRow:
    """One indicator as the report lists it (empty strings where the plan states nothing)."""

    subject: str
    value: str
    unit: str
    status: str
    year: str
    kind: str  # 约束性 / 预期性
    section: str


def class_counts(facts: Iterable[Fact]) -> dict[str, int]:
    """Entities per class (one per kind and key), most first, then by name."""
    counts = Counter(kind for kind, _key in {(f.kind, f.key) for f in facts})
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def indicator_rows(facts: Iterable[Fact], passages: Iterable[Passage]) -> list[IndicatorRow]:
    section_of = {p.id: p.section or "" for p in passages}
    return [_row(f, section_of.get(f.passage, "")) for f in facts if f.kind == "Indicator"]


def _row(f: Fact, section: str) -> IndicatorRow:
    status = _first(f, "status")
    cmp = _first(f, "comparator")
    value = _first(f, "value")
    return IndicatorRow(
        subject=_clip(_first(f, "subject") or f.label, 30),
        value=("" if cmp in ("", "=") else cmp) + value,
        unit=_first(f, "unit"),
        status=_STATUS.get(status, status),
        year=_first(f, "targetYear"),
        kind=_first(f, "indicatorType"),
        section=section,
    )


def _clip(s: str, width: int) -> str:
    """At most ``width`` display columns, cut with an ellipsis (a garbled subject stays readable)."""
    if _width(s) <= width:
        return s
    while _width(s) > width - 1:
        s = s[:-1]
    return s + "…"


def _first(f: Fact, name: str) -> str:
    values = f.get(name)
    return _text(values[0]) if values else ""


def _text(v: Value) -> str:
    if isinstance(v, Ref):
        return v.key
    if isinstance(v, float):
        return f"{v:g}" if abs(v) < 1e15 else str(v)
    return str(v)


def summary_line(meta: PlanMeta, sections: list[Section], passages: list[Passage], facts: list[Fact]) -> str:
    """One line: sections (numbered), passages, entities per class, indicators with year and type."""
    numbered = sum(1 for s in sections if s.number)
    rows = indicator_rows(facts, passages)
    classes = ", ".join(f"{k} {v}" for k, v in class_counts(facts).items())
    with_year = sum(1 for r in rows if r.year)
    typed = sum(1 for r in rows if r.kind)
    return (f"{meta.id}: {len(sections)} sections ({numbered} numbered), {len(passages)} passages; "
            f"{classes or 'no entities'}; indicators with year {with_year}/{len(rows)}, "
            f"约束性/预期性 {typed}/{len(rows)}")


def report(meta: PlanMeta, sections: list[Section], passages: list[Passage], facts: list[Fact]) -> str:
    """The whole coverage report of one plan, as plain text."""
    period = f"{meta.period_start or '?'}–{meta.period_end or '?'}"
    head = [f"plan {meta.id}  {meta.title}", f"level {meta.level or '?'}  period {period}  "
            f"issued {meta.issued or '?'}  by {meta.publisher or '?'}", ""]
    return "\n".join(head + _sections(sections, passages) + [""] + _classes(facts) + [""]
                     + _indicators(indicator_rows(facts, passages))) + "\n"


def _sections(sections: list[Section], passages: list[Passage]) -> list[str]:
    per = Counter(p.section_id for p in passages)
    out = [f"sections ({len(sections)}, {sum(1 for s in sections if s.number)} numbered)"]
    for s in sections:
        indent = "  " * max(s.level, 1)
        out.append(f"{indent}{s.number or '—'}  {s.title}  [{per.get(s.id, 0)} passages]")
    return out


def _classes(facts: list[Fact]) -> list[str]:
    counts = class_counts(facts)
    if not counts:
        return ["entities: none"]
    width = max(len(k) for k in counts)
    return ["entities per class", *(f"  {k.ljust(width)}  {v:5d}" for k, v in counts.items())]


_HEADER = IndicatorRow("subject", "value", "unit", "status", "year", "type", "section")


def _indicators(rows: list[IndicatorRow]) -> list[str]:
    if not rows:
        return ["indicators: none"]
    cols = ("subject", "value", "unit", "status", "year", "kind", "section")
    table = [_HEADER, *rows]
    widths = [max(_width(getattr(r, c)) for r in table) for c in cols]
    lines = [f"indicators ({len(rows)})"]
    for r in table:
        lines.append("  " + "  ".join(_pad(getattr(r, c), w) for c, w in zip(cols, widths, strict=True)).rstrip())
    return lines


def _width(s: str) -> int:
    """Display width: CJK and full-width characters take two columns."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in s)


def _pad(s: str, width: int) -> str:
    return s + " " * (width - _width(s))
