"""Village and township plans: administrative villages, natural villages (自然村) with their membership,
village classification (集聚提升类 …). Genre rules: "辖A、B…N个自然村/行政村" enumerations and
"<class>类村庄：A村、B村" / "X村为<class>类村庄" sentences."""

from __future__ import annotations

import re

from ingest.extract_text import CJK, CN_NUM, Sink, Span, items, sentences
from ingest.records import Ref, Value

_LIST = re.compile(f"辖([{CJK}、，,和及]+?)(?:等)?([0-9{CN_NUM}]+)个(自然村|行政村)")
_CLASS_LIST = re.compile(f"([{CJK}]{{2,6}}类)村庄[：:]([^；;。]+)")
_CLASS_IS = re.compile(f"([{CJK}]{{2,8}}村)为([{CJK}]{{2,6}}类)村庄")


def villages(sink: Sink) -> None:
    own = next((r for r in reversed(sink.doc.plan.region) if r.endswith("村")), None)
    for p in sink.passages:
        for s in sentences(p, "。；;\n"):
            for m in _LIST.finditer(s.text):
                body = Span(s.start + m.start(1), s.start + m.end(1), m.group(1))
                for it in items(body):
                    if m.group(3) == "自然村":
                        props: list[tuple[str, Value]] = [("partOf", Ref("AdministrativeVillage", own))] if own else []
                        sink.add("NaturalVillage", it.text, it.text, it, props)
                    else:
                        name = it.text if it.text.endswith("村") else f"{it.text}村"
                        sink.add("AdministrativeVillage", name, name, it)
            for m in _CLASS_IS.finditer(s.text):
                sink.add("AdministrativeVillage", m.group(1), m.group(1), _sub(s, m.start(), m.end()),
                         [("villageClass", m.group(2))])
            for m in _CLASS_LIST.finditer(s.text):
                body = Span(s.start + m.start(2), s.start + m.end(2), m.group(2))
                for it in items(body):
                    if it.text.endswith("村"):
                        sink.add("AdministrativeVillage", it.text, it.text, it, [("villageClass", m.group(1))])
    if own:
        at = sink.doc.text.find(own, sink.passages[0].start if sink.passages else 0)
        if at >= 0:
            sink.add("AdministrativeVillage", own, own, Span(at, at + len(own), own))


def _sub(s: Span, a: int, b: int) -> Span:
    return Span(s.start + a, s.start + b, s.text[a:b])
