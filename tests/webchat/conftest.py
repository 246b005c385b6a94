"""Fixtures shared by the web-face tests."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="module")
def make_app(built: Any) -> Any:
    """Fresh apps over the session build, each with its own settings (and its own limiter)."""
    from webchat import create_app

    def make(**config: Any) -> Any:
        base = {"DATA_DIR": built["DATA_DIR"], "PLANS_DIR": built["PLANS_DIR"], "RATE_LIMIT": "off", "WORKERS": 1}
        return create_app({**base, **config})

    return make
