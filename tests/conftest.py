"""Shared fixtures: every test gets its own cache, data and config folders."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property tests check behaviour, not time: under Hypothesis's 200 ms deadline, one example
# stalled 0.5 s (a loaded machine's scheduler, a GC pause) failed a test as "unreliable timings".
settings.register_profile("kliping", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("kliping")

# Before any test module imports tui: the key bindings take their labels from the language at import.
os.environ.pop("KLIPING_LANG", None)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(autouse=True)
def private_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep tests away from the user's real cache and state (platformdirs honours XDG_*)."""
    home = tmp_path_factory.mktemp("home")
    for name in ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
    monkeypatch.delenv("NO_COLOR", raising=False)
    return home


@pytest.fixture(autouse=True)
def usual_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """An 80x24 terminal whatever the developer's: an exported COLUMNS=20 wrapped argparse's help
    mid-phrase, and a subprocess's app drew itself that small in a larger pty."""
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("LINES", "24")


@pytest.fixture(autouse=True)
def no_user_programs(monkeypatch: pytest.MonkeyPatch) -> None:
    """No editor, pager or browser of the developer's: a test that wants one sets it (a VISUAL,
    read before EDITOR, made the tests that set EDITOR run the developer's editor instead)."""
    for name in ("VISUAL", "EDITOR", "PAGER", "BROWSER"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests see the English interface whatever the developer's locale, and leave it English."""
    from tui.i18n import set_language

    monkeypatch.delenv("KLIPING_LANG", raising=False)
    monkeypatch.setenv("LANGUAGE", "en")  # read before LANG, by us and by subprocesses
    yield
    set_language("en")  # a test that ran the command line in-process may have chosen Indonesian
    os.environ.pop("KLIPING_LANG", None)


@pytest.fixture
def seeds() -> Path:
    return SEEDS


# The team library's throwaway PostgreSQL (skipped, with how to run them, where none can be had).
from tests.pg_server import pg_admin_url, pg_url  # noqa: E402, F401
