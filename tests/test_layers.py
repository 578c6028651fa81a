"""Nothing below the app imports Textual or Rich (DESIGN.md layers), checked in a clean process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = [
    "tui.editor",
    "tui.article",
    "tui.cleaning",
    "tui.cli",
    "tui.config",
    "tui.dates",
    "tui.db",
    "tui.export",
    "tui.formats",
    "tui.fts",
    "tui.formatting",
    "tui.i18n",
    "tui.loader",
    "tui.marks",
    "tui.query",
    "tui.search",
    "tui.state",
    "tui.store",
    "tui.sync",
    "tui.text",
]


@pytest.mark.parametrize("module", CORE)
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
