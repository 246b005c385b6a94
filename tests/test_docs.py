"""Documentation stays true: every setting is in the README, the two commands come first, CI runs them."""

from __future__ import annotations

import re

from tests.conftest import ROOT
from webchat.settings import SETTINGS

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented_and_nothing_else() -> None:
    documented = set(re.findall(r"^\| `PLANKG_([A-Z_]+)` \|", README, flags=re.M))
    assert documented == set(SETTINGS)


def test_settings_defaults_in_readme_match_code() -> None:
    for name, (default, _doc) in SETTINGS.items():
        assert f"| `PLANKG_{name}` | `{default}` |" in README, name


def test_two_commands_come_first_and_ci_runs_the_test_command() -> None:
    first_block = re.search(r"```sh\n(.*?)```", README, flags=re.S)
    assert first_block is not None
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines() if line.strip()]
    assert commands == ["make serve", "make test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, flags=re.M)


def test_console_script_points_at_the_cli() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'plankg = "webchat.cli:main"' in pyproject
