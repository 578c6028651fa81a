"""Nothing below the app imports Textual or Rich (ARCHITECTURE.md, layers), checked in a clean process.

The modules are found by walking tui/, so a new core module is checked without editing this test.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "tui"
# The user interface and its entry points: everything else is core.
UI = ("tui.app", "tui.screens", "tui.dialogs", "tui.widgets", "tui.cli", "tui.cli_team", "tui.__main__")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def core_modules() -> list[str]:
    names = (module_name(path) for path in sorted(PACKAGE.rglob("*.py")))
    return [name for name in names if not any(name == ui or name.startswith(ui + ".") for ui in UI)]


def test_the_walk_finds_the_core() -> None:
    core = core_modules()
    assert {"tui", "tui.loader", "tui.state", "tui.sqlite", "tui.library", "tui.library.front"} <= set(core)
    assert not {"tui.app", "tui.cli", "tui.widgets.reader"} & set(core)


@pytest.mark.parametrize("module", core_modules())
def test_core_module_does_not_import_textual(module: str) -> None:
    code = (
        f"import sys; import {module}; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')); "
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == ""


def test_every_module_has_a_layer() -> None:
    """The layers contract (pyproject.toml, checked by lint-imports) names every module of tui/ in a
    row, so a new module is placed in the table rather than left unchecked."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    layered = {name.strip() for row in contract["layers"] for name in row.replace("|", ":").split(":")}
    tops = {".".join(module_name(path).split(".")[:2]) for path in PACKAGE.rglob("*.py")} - {"tui"}
    assert tops - layered == set()
    assert layered - tops == set()
