"""CJK code points that PDFs extract for ordinary ideographs: Kangxi radicals (U+2F00–2FD5, NFKC maps
them), compatibility ideographs (U+F900–FAFF, NFKC maps them) and the CJK Radicals Supplement
(U+2E80–2EF3, no NFKC mapping: the table below follows Unicode's EquivalentUnifiedIdeograph.txt for the
radicals that stand for a whole character)."""

from __future__ import annotations

import unicodedata

_SUPPLEMENT = dict(zip(
    "⺁⺇⺊⺌⺕⺗⺝⺟⺠⺧⺩⺫⺬⺮⺯⺰⺻⻁⻄⻅⻆⻈⻉⻊⻋⻌⻏⻑⻓⻔⻖⻗⻘⻙⻚⻛⻜⻝⻠⻢⻣⻤⻥⻦⻧⻨⻩⻬⻮⻯⻰⻳",
    "厂几卜小彐心月母民牛王目示竹糸纟聿虎西见角讠贝足车辶阝長长门阝雨青韦页风飞食饣马骨鬼鱼鸟卤麦黄齐齿竜龙龟",
    strict=True))


def fold_compat(text: str) -> str:
    """Radicals and compatibility ideographs → the unified ideographs they render as; nothing else."""
    if not any("\u2e80" <= ch <= "\u2fdf" or "\uf900" <= ch <= "\ufaff" for ch in text):
        return text
    return "".join(_SUPPLEMENT.get(ch) or (unicodedata.normalize("NFKC", ch)
                   if "\u2e80" <= ch <= "\u2fdf" or "\uf900" <= ch <= "\ufaff" else ch) for ch in text)
