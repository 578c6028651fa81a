"""Settings: defaults, round trips, every kind of broken file reported by line, atomic saves."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.config import (
    LANGS,
    SORTS,
    Settings,
    default_config_path,
    dump_settings,
    load_settings,
    save_settings,
    toml_string,
)

ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_path_is_in_the_private_config_dir(private_dirs: Path) -> None:
    path = default_config_path()
    assert path.name == "config.toml"
    assert path.is_relative_to(private_dirs / "xdg_config_home")


def test_missing_file_gives_defaults_quietly(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "nope" / "config.toml") == (Settings(), None)
    assert load_settings() == (Settings(), None)


def test_sorts_match_the_library() -> None:
    from tui.library import SORTS as LIBRARY_SORTS

    assert SORTS == LIBRARY_SORTS


def test_round_trip(tmp_path: Path) -> None:
    settings = Settings(
        theme="textual-light",
        sort="date",
        reverse=True,
        measure=120,
        lang="id",
        keymap={"app.quit": "q,ctrl+q", "article_list.down": "j,down", 'odd "id"\\\n': "x"},
    )
    path = tmp_path / "new" / "folder" / "config.toml"
    save_settings(settings, path)
    assert load_settings(path) == (settings, None)
    save_settings(Settings(), path)
    assert load_settings(path) == (Settings(), None)


def test_default_location_round_trip() -> None:
    save_settings(Settings(sort="words"))
    assert default_config_path().exists()
    assert load_settings()[0].sort == "words"


@given(
    theme=st.none() | st.text(st.characters(codec="utf-8"), min_size=1),
    keymap=st.dictionaries(st.text(min_size=1), st.text(min_size=1).filter(lambda s: s.strip() == s and s)),
)
def test_any_strings_survive_the_emitter(theme: str | None, keymap: dict[str, str]) -> None:
    settings = Settings(theme=theme, keymap=keymap)
    data = tomllib.loads(dump_settings(settings))
    assert data.get("theme") == theme
    assert data["keymap"] == keymap


def test_toml_string_escapes() -> None:
    for value in ['a "b" \\ c', "tab\there", "line\nbreak", "\x00\x1f\x7f", "émoji 🦎", "'single'"]:
        assert tomllib.loads(f"x = {toml_string(value)}")["x"] == value


def test_hand_written_file_is_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '\ufefftheme = "gruvbox"\nsort = "Title"\nreverse = true\nmeasure = 66\nlang = "ID"\n\n'
        '[keymap]\n"app.quit" = "q"\napp.help = ["question_mark", "f1"]\n',
    )
    settings, message = load_settings(path)
    assert message is None
    assert settings == Settings(
        theme="gruvbox",
        sort="title",
        reverse=True,
        measure=66,
        lang="id",
        keymap={"app.quit": "q", "app.help": "question_mark,f1"},
    )


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('sort = "date"\nmeasure = 80\nreverse = \n', 3),  # missing value
        ('sort = "date"\n[keymap\n"a" = "b"\n', 2),  # unclosed table header
        ('sort = "date\nmeasure = 80\n', 1),  # unclosed string
        ('theme = "a\\qb"\n', 1),  # bad escape
        ("sort = 'date'\nsort = 'title'\n", 2),  # duplicate key
        ("measure = 80\n\nthis is not toml\n", 3),
        ('[keymap]\n"a" = "b"\n[keymap]\n', 3),  # table defined twice
        ("measure = 80\nreverse = tru\n", 2),
    ],
)
def test_invalid_toml_gives_defaults_and_the_line(tmp_path: Path, text: str, line: int) -> None:
    path = write(tmp_path, text)
    settings, message = load_settings(path)
    assert settings == Settings()
    assert message is not None
    assert message.startswith(f"{path} line {line}")
    assert message.endswith("using defaults")


def test_undecodable_bytes_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'sort = "date"\nmeasure = 80\ntheme = "caf\xe9"\n')
    settings, message = load_settings(path)
    assert settings == Settings()
    assert message == f"{path} line 3: not UTF-8 text; using defaults"


def test_folder_instead_of_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.mkdir()
    settings, message = load_settings(path)
    assert settings == Settings()
    assert message is not None and str(path) in message and "folder" in message


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs file permissions")
def test_unreadable_file(tmp_path: Path) -> None:
    path = write(tmp_path, 'sort = "date"\n')
    path.chmod(0)
    settings, message = load_settings(path)
    assert settings == Settings()
    assert message is not None and str(path) in message


@pytest.mark.parametrize(
    ("line", "key", "expected"),
    [
        ('sort = "banana"', "sort", "relevance"),
        ("sort = 3", "sort", "relevance"),
        ('measure = "wide"', "measure", 80),
        ("measure = 80.5", "measure", 80),
        ("measure = true", "measure", 80),
        ('reverse = "yes"', "reverse", False),
        ("reverse = 1", "reverse", False),
        ("theme = 7", "theme", None),
        ('lang = "fr"', "lang", None),
        ("lang = false", "lang", None),
        ('keymap = "q"', "keymap", {}),
    ],
)
def test_a_bad_value_resets_only_its_key(tmp_path: Path, line: str, key: str, expected: object) -> None:
    good = {
        "theme": 'theme = "nord"',
        "sort": 'sort = "date"',
        "reverse": "reverse = true",
        "measure": "measure = 100",
        "lang": 'lang = "en"',
    }
    lines = [text for name, text in good.items() if name != key]
    lines.insert(2, line)  # the bad key is on line 3
    keymap = "" if key == "keymap" else '\n[keymap]\n"app.quit" = "q"\n'
    path = write(tmp_path, "\n".join(lines) + "\n" + keymap)
    settings, message = load_settings(path)
    assert getattr(settings, key) == expected
    reference = Settings(
        theme="nord", sort="date", reverse=True, measure=100, lang="en", keymap={"app.quit": "q"}
    )
    for name in ("theme", "sort", "reverse", "measure", "lang", "keymap"):
        if name != key:
            assert getattr(settings, name) == getattr(reference, name), name
    assert message is not None
    assert message.startswith(f"{path} line 3: {key} ")


@pytest.mark.parametrize(("value", "clamped"), [(10, 40), (39, 40), (201, 200), (9999, 200)])
def test_measure_is_clamped_and_reported(tmp_path: Path, value: int, clamped: int) -> None:
    settings, message = load_settings(write(tmp_path, f"# comment\nmeasure = {value}\n"))
    assert settings.measure == clamped
    assert message is not None and "line 2" in message and f"using {clamped}" in message


@pytest.mark.parametrize("value", [40, 80, 200])
def test_measure_in_range_is_quiet(tmp_path: Path, value: int) -> None:
    assert load_settings(write(tmp_path, f"measure = {value}\n")) == (Settings(measure=value), None)


def test_unknown_keys_are_reported_without_resetting_others(tmp_path: Path) -> None:
    path = write(tmp_path, 'sort = "date"\nsrot = "title"\ncolour = "red"\n[extras]\nx = 1\n')
    settings, message = load_settings(path)
    assert settings == Settings(sort="date")
    assert message is not None
    assert f"{path} line 2: unknown setting 'srot' ignored (did you mean sort?)" in message
    assert "line 3: unknown setting 'colour'" in message
    assert "line 4: unknown setting 'extras'" in message


def test_bad_keymap_entries_are_dropped_one_by_one(tmp_path: Path) -> None:
    path = write(tmp_path, '[keymap]\n"app.quit" = "q"\n"app.help" = 5\n"app.find" = ""\n')
    settings, message = load_settings(path)
    assert settings.keymap == {"app.quit": "q"}
    assert message is not None
    assert 'line 3: keymap "app.help"' in message
    assert 'line 4: keymap "app.find"' in message


def test_save_is_atomic_when_the_rename_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "config.toml"
    save_settings(Settings(sort="date"), path)
    before = path.read_bytes()

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="No space"):
        save_settings(Settings(sort="title"), path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"]


def test_save_is_atomic_when_the_write_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "config.toml"
    save_settings(Settings(sort="date"), path)
    before = path.read_bytes()

    def broken_fsync(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="Input/output"):
        save_settings(Settings(sort="title"), path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"]


def test_save_keeps_the_files_permissions(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    save_settings(Settings(), path)
    path.chmod(0o640)
    save_settings(Settings(sort="date"), path)
    assert path.stat().st_mode & 0o777 == 0o640


def test_settings_lists_are_consistent() -> None:
    assert Settings().sort in SORTS
    assert set(LANGS) == {"en", "id"}


async def test_the_help_shows_remapped_keys_and_unknown_ids_are_reported(tmp_path: Path) -> None:
    from tests.app.test_app import settle
    from tests.helpers import small_collection
    from tui.app import KlipingApp
    from tui.dialogs.common import HelpScreen

    config = tmp_path / "config.toml"
    # app.tags and app.undo are the tags' and bulk actions' keys: they were reported as unknown.
    keymap = '"app.star" = "x"\n"app.nothing" = "z"\n"app.tags" = "g"\n"app.undo" = "Z"\n'
    config.write_text("[keymap]\n" + keymap, encoding="utf-8")
    app = KlipingApp([small_collection(tmp_path / "clips")], config_path=config)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        told = [n.message for n in app._notifications if "Unknown binding ids" in n.message]
        assert len(told) == 1 and "app.nothing" in told[0]
        assert "app.tags" not in told[0] and "app.undo" not in told[0]
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        star = [b for _title, bindings in app.screen.sections for b in bindings if b.id == "app.star"]
        assert [b.key for b in star] == ["x"]
