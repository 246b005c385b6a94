"""Strict JSON for request bodies: only what RFC 8259 allows and what the service can carry.

Rejected (as ``ValueError``, which Flask turns into 400 / ``get_json(silent=True)`` into ``None``):
``NaN``/``Infinity`` and numbers that overflow to infinity, lone UTF-16 surrogates such as ``"\\ud800"``,
and nesting deeper than ``MAX_DEPTH``.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from flask.json.provider import DefaultJSONProvider

MAX_DEPTH = 32
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number out of range: {text[:20]}")
    return value


def _constant(name: str) -> Any:
    raise ValueError(f"not JSON: {name}")


def _depth_ok(text: str, limit: int) -> bool:
    """Bracket depth outside strings, scanned without recursion."""
    depth, in_string, escaped = 0, False, False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return False
        elif ch in "]}":
            depth -= 1
    return True


def _no_lone_surrogates(value: Any) -> None:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            item.encode("utf-8")  # UnicodeEncodeError (a ValueError) for a lone surrogate
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def strict_loads(s: str | bytes, **kwargs: Any) -> Any:
    text = s.decode("utf-8") if isinstance(s, bytes | bytearray) else s
    if not _depth_ok(text, MAX_DEPTH):
        raise ValueError(f"JSON nested deeper than {MAX_DEPTH}")
    value = json.loads(text, parse_float=_finite, parse_constant=_constant, **kwargs)
    if _ESCAPED_SURROGATE.search(text) or any("\ud800" <= ch <= "\udfff" for ch in text):
        _no_lone_surrogates(value)
    return value


class StrictJSONProvider(DefaultJSONProvider):
    ensure_ascii = False
    sort_keys = False

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return strict_loads(s, **kwargs)
