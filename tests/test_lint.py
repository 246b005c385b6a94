"""The house style holds: ruff over the whole tree, mypy over the packages (settings in pyproject)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

BIN = f"{sys.prefix}/bin"


def test_ruff_passes() -> None:
    out = subprocess.run([f"{BIN}/ruff", "check", "ingest", "kg", "ontology", "retrieval", "webchat", "tests",
                          "bench"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr


def test_mypy_passes() -> None:
    out = subprocess.run([f"{BIN}/mypy"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
