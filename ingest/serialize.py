"""JSON lines for records, so a build can be read back without re-running ingest."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any, TypeVar

from ingest.records import Fact, Passage, PlanMeta, Ref, Section, Value

T = TypeVar("T", Section, Passage, PlanMeta)


def _encode_value(v: Value) -> Any:
    return {"ref": [v.kind, v.key]} if isinstance(v, Ref) else v


def _decode_value(v: Any) -> Value:
    return Ref(*v["ref"]) if isinstance(v, dict) else v


def fact_to_json(f: Fact) -> dict[str, Any]:
    d = asdict(f)
    d["props"] = [[k, _encode_value(v)] for k, v in f.props]
    return d


def fact_from_json(d: dict[str, Any]) -> Fact:
    props = tuple((k, _decode_value(v)) for k, v in d.pop("props", []))
    return Fact(**d, props=props)


def record_from_json(cls: type[T], d: dict[str, Any]) -> T:
    names = {f.name for f in fields(cls)}
    data: dict[str, Any] = {k: (tuple(v) if isinstance(v, list) else v) for k, v in d.items() if k in names}
    return cls(**data)


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def dump_records(folder: Path, metas: list[PlanMeta], sections: list[Section],
                 passages: list[Passage], facts: list[Fact]) -> None:
    write_jsonl(folder / "plans.jsonl", (asdict(m) for m in metas))
    write_jsonl(folder / "sections.jsonl", (asdict(s) for s in sections))
    write_jsonl(folder / "passages.jsonl", (asdict(p) for p in passages))
    write_jsonl(folder / "facts.jsonl", (fact_to_json(f) for f in facts))


def load_records(folder: Path) -> tuple[list[PlanMeta], list[Section], list[Passage], list[Fact]]:
    metas = [record_from_json(PlanMeta, d) for d in read_jsonl(folder / "plans.jsonl")]
    sections = [record_from_json(Section, d) for d in read_jsonl(folder / "sections.jsonl")]
    passages = [record_from_json(Passage, d) for d in read_jsonl(folder / "passages.jsonl")]
    facts = [fact_from_json(d) for d in read_jsonl(folder / "facts.jsonl")]
    return metas, sections, passages, facts
