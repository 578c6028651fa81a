"""Both interface languages: every message in both catalogues, .mo files current, Indonesian end to end."""

from __future__ import annotations

import ast
import gettext
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from tui import i18n
from tui.cli import main
from tui.config import Settings, default_config_path, save_settings
from tui.widgets.textual_words import binding_words

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{\w*\}")


def source_messages() -> dict[str, str | None]:
    """Every message literal given to _(), said() or ngettext() under tui/: msgid -> plural (None for _)."""
    messages: dict[str, str | None] = {}
    for path in sorted((ROOT / "tui").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            wanted = {"_": 1, "said": 1, "ngettext": 2}.get(node.func.id)
            if wanted is None:
                continue
            args = node.args[:wanted]
            literals = [a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            assert len(literals) == wanted, (
                f"{where}: {node.func.id}() takes string literals, or no catalogue can hold it"
            )
            messages[literals[0]] = literals[1] if wanted == 2 else None
    return messages


def catalogue(lang: str) -> Catalog:
    with (i18n.LOCALE_DIR / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.po").open("rb") as po_file:
        return read_po(po_file, locale=lang)


def entries(catalog: Catalog) -> dict[str, Message]:
    return {(m.id[0] if isinstance(m.id, tuple) else m.id): m for m in catalog if m.id}


def test_the_source_has_messages() -> None:
    messages = source_messages()
    assert len(messages) > 100
    assert messages["{shown} of {total} article"] == "{shown} of {total} articles"


@pytest.mark.parametrize(("lang", "plurals"), [("en", 2), ("id", 1)])
def test_every_message_is_translated_and_none_is_stale(lang: str, plurals: int) -> None:
    catalog = catalogue(lang)
    assert catalog.num_plurals == plurals
    found = entries(catalog)
    for msgid, plural in source_messages().items():
        message = found.get(msgid)
        assert message is not None, f"{lang}: {msgid!r} is not in the catalogue"
        assert not message.fuzzy, f"{lang}: {msgid!r} is marked fuzzy"
        if plural is None:
            assert isinstance(message.string, str), f"{lang}: {msgid!r} should not be a plural entry"
            strings = [message.string]
            expected = set(PLACEHOLDER.findall(msgid))
        else:
            assert message.id == (msgid, plural), f"{lang}: {msgid!r} has another plural"
            strings = list(message.string)
            assert len(strings) == plurals, f"{lang}: {msgid!r} needs {plurals} forms"
            expected = set(PLACEHOLDER.findall(msgid)) | set(PLACEHOLDER.findall(plural))
        for string in strings:
            assert string.strip(), f"{lang}: {msgid!r} has no translation"
            # A misspelt placeholder would be a KeyError in .format() when the message is shown.
            assert set(PLACEHOLDER.findall(string)) == expected, f"{lang}: {msgid!r} -> {string!r}"
    stale = set(found) - set(source_messages())
    assert not stale, f"{lang}: catalogue entries no code uses: {sorted(stale)}"


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_compiled_catalogues_match_their_sources(lang: str) -> None:
    po_path = i18n.LOCALE_DIR / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    fresh = i18n.messages(i18n.compiled(po_path))
    committed = i18n.messages(po_path.with_suffix(".mo").read_bytes())
    assert committed == fresh, "stale .mo: run `python -m tui.i18n compile`"


def test_the_check_ignores_the_tool_stamp_in_the_header() -> None:
    """A fresh machine's Babel stamps another version in the header: the messages still match."""
    po_path = i18n.LOCALE_DIR / "id" / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    data = i18n.compiled(po_path)
    stamp = re.search(rb"Generated-By: Babel ([0-9.]+)", data)
    assert stamp is not None
    version = stamp.group(1)  # replaced by one of the same length, so the offsets hold
    restamped = data.replace(b"Babel " + version, b"Babel " + b"9" * len(version))
    assert restamped != data
    assert i18n.messages(restamped) == i18n.messages(data)
    assert i18n.messages(data.replace(b"Saring", b"Sarinx")) != i18n.messages(data)


def test_compile_rebuilds_only_what_changed(tmp_path: Path) -> None:
    locale_dir = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, locale_dir)
    assert i18n.compile_catalogues(locale_dir) == []
    mo_path = locale_dir / "id" / "LC_MESSAGES" / f"{i18n.DOMAIN}.mo"
    mo_path.unlink()
    assert i18n.compile_catalogues(locale_dir) == [mo_path]
    translation = gettext.translation(i18n.DOMAIN, locale_dir, languages=["id"])
    assert translation.gettext("Filter") == "Saring"


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "id_ID.UTF-8"}, "id"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({}, "en"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "fr_FR.UTF-8"}, "en"),
        ({"LC_ALL": "C.UTF-8", "LANG": "id_ID.UTF-8"}, "en"),  # LC_ALL wins, as POSIX says
        ({"LC_MESSAGES": "id_ID", "LANG": "en_GB.UTF-8"}, "id"),
        ({"LANGUAGE": "id:en", "LANG": "en_US.UTF-8"}, "id"),
        ({"LANGUAGE": "fr:en", "LANG": "id_ID.UTF-8"}, "en"),
        ({"LANG": "in_ID"}, "id"),  # the old code for Indonesian
    ],
)
def test_language_from_locale(environ: dict[str, str], expected: str) -> None:
    assert i18n.language_from_locale(environ) == expected


def english_env() -> dict[str, str]:
    """The test process's environment, without the language variables conftest set."""
    env = dict(os.environ)
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        env.pop(name, None)
    return env


APP_SCRIPT = textwrap.dedent(
    """
    import asyncio, sys
    from tui.i18n import set_language
    set_language(sys.argv[1])
    from tests.app.test_app import settle  # imported after the language is set: bindings read it
    from tests.helpers import reader_lines
    from tui.app import KlipingApp
    from tui.sync import bundled_seeds

    async def run():
        app = KlipingApp([bundled_seeds()])
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            from textual.geometry import Region
            print("STATUS", app.query_one("#status").render())
            print("BORDER", app.query_one("#articles").border_title)
            print("FOOTER", " | ".join(str(key.description) for key in app.query("FooterKey")))
            print("LIST", app.query_one("#articles").render_line(0).text)
            print("PALETTE", " | ".join(command.title for command in app.get_system_commands(app.screen)))
            await pilot.press("enter")
            await settle(pilot)
            print("READER", " ".join(line.strip() for line in reader_lines(app.query_one("#reader"))[:8]))
            await pilot.press("escape", "question_mark")
            await settle(pilot)
            help_text = app.screen.query_one("#help-text")
            print("HELP", " ".join(line.text for line in help_text.render_lines(Region(0, 0, 100, 200))))
            await pilot.press("escape")
            await settle(pilot)
            await keys_panel(app, pilot, "KEYS")
            await pilot.press("slash")  # the filter bar, with its own help and keys
            await keys_panel(app, pilot, "FILTERKEYS")
            app.notify("Saved screenshot to [$text-success]'/tmp/x.svg'", title="Screenshot")
            app.action_help_quit()
            while len(app._notifications) < 2:
                await pilot.pause()
            print("TOASTS", " | ".join(f"{n.title}: {n.message}" for n in app._notifications))

    async def keys_panel(app, pilot, label):
        import io
        from rich.console import Console
        from tui.widgets.keys_panel import TranslatedBindingsTable
        app.action_hide_help_panel()
        app.action_show_help_panel()
        while not app.screen.query(TranslatedBindingsTable):  # the panel recomposes as keys change
            await pilot.pause()
        console = Console(width=200, record=True, file=io.StringIO())
        console.print(app.screen.query_one(TranslatedBindingsTable).render_bindings_table())
        print(label, " ".join(console.export_text().split()))
        print(label + "HELP", " ".join(app.screen.query_one("#widget-help").source.split()))

    asyncio.run(run())
    """
)


def run_python(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Python in a fresh process from the checkout, with no language set by the environment."""
    result = subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=english_env() | (env or {}),
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result


def run_app(lang: str) -> str:
    return run_python("-c", APP_SCRIPT, lang).stdout


def test_the_interface_in_indonesian_end_to_end() -> None:
    out = run_app("id")
    status = next(line for line in out.splitlines() if line.startswith("STATUS"))
    assert re.fullmatch(r"STATUS 2 dari 2 artikel · 2 belum dibaca · urutan: tanggal", status)
    assert "BORDER Artikel" in out
    footer = next(line for line in out.splitlines() if line.startswith("FOOTER"))
    assert "Saring" in footer and "Bantuan" in footer and "Keluar" in footer and "palet" in footer
    assert "13 Okt 2022" in out
    assert "13 Okt 2022 18:10 · Kompasiana · Pasuruan · 431 kata · 2 menit baca" in out
    palette = next(line for line in out.splitlines() if line.startswith("PALETTE"))
    assert "Tema" in palette and "Tangkapan layar" in palette and "Urutkan: balik" in palette
    assert "Di mana saja" in out and "Daftar artikel" in out and "Esc menutup bantuan ini." in out
    keys = next(line for line in out.splitlines() if line.startswith("KEYS "))
    assert "Gulir ke kiri" in keys and "Panel berikutnya" in keys and "Daftar artikel" in keys
    filter_keys = next(line for line in out.splitlines() if line.startswith("FILTERKEYS "))
    assert "Saringan sebelumnya" in filter_keys and "Hapus semua di kiri" in filter_keys
    assert "Saring" in filter_keys  # the group's title, not Textual's "Input"
    assert "Setiap kata harus cocok" in out and "judul:" in out
    toasts = next(line for line in out.splitlines() if line.startswith("TOASTS"))
    assert "Tangkapan layar disimpan di" in toasts and "/tmp/x.svg" in toasts
    assert "Tekan [b]ctrl+q[/b] untuk keluar" in toasts and "Mau keluar?" in toasts
    for english in binding_words():  # Textual's own English, where we have our own words
        assert f" {english} " not in keys + " " + filter_keys, english
    # The filter's help names the filter words, some of which (is:unread) are English in both.
    shown = "\n".join(line for line in out.splitlines() if not line.startswith("FILTERKEYSHELP"))
    shown = re.sub(r"\b[a-z]+\.[a-z_]+\b", "", shown)  # binding ids (app.next_unread) are config keys
    for english in (
        "Saved screenshot",
        "to quit",
        "Input",
        "articles",
        "unread",
        "Filter",
        "Quit",
        "words",
        "min read",
        "Everywhere",
        "Theme",
        "Sort",
    ):
        assert english not in shown.replace("FOOTER", "").replace("filter", ""), english


def test_the_interface_in_english_end_to_end() -> None:
    out = run_app("en")
    assert "STATUS 2 of 2 articles · 2 unread · sort: date" in out
    assert "13 Oct 2022 18:10 · Kompasiana · Pasuruan · 431 words · 2 min read" in out
    assert "Filter" in out and "Everywhere" in out
    assert "artikel" not in out.replace("ARTICLES", "") and "Saring" not in out


def test_list_in_indonesian_from_the_command_line() -> None:
    result = run_python("-m", "tui", "--list", "--lang", "id", "--plain")
    assert "Tanggal: 13 Okt 2022" in result.stdout
    assert "Sumber: Kompasiana" in result.stdout
    assert "431 kata, 2 menit baca." in result.stdout
    assert "Berkas: " in result.stdout
    for english in ("Date:", "Source:", "words", "min read", "File:", "Oct"):
        assert english not in result.stdout


def plain_list(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["--list", "--plain", "--no-cache", *args]) == 0
    return capsys.readouterr().out


def test_the_locale_chooses_when_nothing_else_does(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LANGUAGE")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "id_ID.UTF-8")
    assert "Tanggal: 13 Okt 2022" in plain_list(capsys)
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert "Date: 13 Oct 2022" in plain_list(capsys)


def test_the_saved_setting_beats_the_locale_and_lang_beats_both(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANGUAGE", "en")
    save_settings(Settings(lang="id"), default_config_path())
    assert "Tanggal: 13 Okt 2022" in plain_list(capsys)
    assert "Date: 13 Oct 2022" in plain_list(capsys, "--lang", "en")
    save_settings(Settings(lang="en"), default_config_path())
    monkeypatch.setenv("LANGUAGE", "id")
    assert "Date: 13 Oct 2022" in plain_list(capsys)
    assert "Tanggal: 13 Okt 2022" in plain_list(capsys, "--lang", "id")


def test_kliping_with_an_indonesian_locale_starts_in_indonesian() -> None:
    """The real entry point in a terminal, as `LANG=id_ID.UTF-8 kliping` runs it."""
    pexpect = pytest.importorskip("pexpect")
    kliping = Path(sys.executable).parent / "kliping"
    if not kliping.exists():
        pytest.skip("the kliping script is not installed in this environment")
    env = english_env() | {"LANG": "id_ID.UTF-8", "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "36"}
    child = pexpect.spawn(str(kliping), env=env, dimensions=(36, 120), encoding="utf-8", timeout=30)
    try:
        child.expect("belum dibaca")
        child.expect("Saring")
    finally:
        child.sendline("q")
        child.terminate(force=True)


MESSAGES_SCRIPT = textwrap.dedent(
    """
    import sys
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    from tui.config import load_settings
    from tui.loader import parse_bytes
    from tui.query import parse
    from tui.library import Library
    from tui.i18n import set_language

    if __name__ == "__main__":
        set_language("id")
        print("EMPTY", parse_bytes(b"", "x.txt")[0].reason)
        print("SPACES", parse_bytes(b"  \\n", "x.txt")[0].reason)
        print("JSONL", parse_bytes(b'{"text": "a"}\\n{"text": ', "x.jsonl")[1].reason)
        print("HINT", parse('"abc').hint)
        print("FIELD", parse("foo:bar").hint)
        config, cache = sys.argv[1], sys.argv[2]
        print("CONFIG", load_settings(config)[1])
        print("CACHE", Library(cache).notice)
        # The loader's worker processes are spawned and know no language: what they find is a
        # message, put into words here.
        with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
            print("WORKER", pool.submit(parse_bytes, b"\\x00\\x01", "x.txt").result()[0].reason)
    """
)


def test_loader_filter_and_notices_in_indonesian(tmp_path: Path) -> None:
    """Reasons, hints and notices come out in the language of the run, in workers too."""
    config = tmp_path / "config.toml"
    config.write_text('sort = "size"\nmeasure = 300\n', encoding="utf-8")
    cache = tmp_path / "cache.sqlite3"
    cache.write_bytes(b"not a database at all, just some bytes" * 200)
    result = run_python("-c", MESSAGES_SCRIPT, str(config), str(cache))
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    assert lines["EMPTY"] == "berkas kosong"
    assert lines["SPACES"] == "hanya spasi"
    # Python's own words (the JSON decoder's message) stay as Python gives them, in the translated frame.
    assert lines["JSONL"] == "baris 2: JSON tidak sah (Expecting value)"
    assert lines["HINT"] == "tanda kutip tidak ditutup: dibaca sebagai kata"
    assert lines["FIELD"].startswith("kolom 'foo:' tidak dikenal, dibaca sebagai kata; kolom yang ada: ")
    assert lines["CONFIG"] == (
        f"{config} baris 1: sort harus salah satu dari relevance, date, title, source, words, "
        'bukan "size" (relevance dipakai); baris 2: measure harus 40 sampai 200 kolom (200 dipakai)'
    )
    assert lines["CACHE"].startswith("Cache rusak (bukan basis data: ")
    assert lines["WORKER"] == "berkas biner (bukan teks)"


def test_list_reports_problems_in_indonesian(tmp_path: Path) -> None:
    folder = tmp_path / "kliping"
    folder.mkdir()
    (folder / "kosong.txt").write_bytes(b"")
    (folder / "artikel.txt").write_text("Judul\n\nIsi artikel yang cukup panjang.\n", encoding="utf-8")
    result = run_python(
        "-m",
        "tui",
        "--list",
        "--lang",
        "id",
        "--filter",
        '"judul',
        str(folder),
        env={"XDG_CACHE_HOME": str(tmp_path / "cache")},
    )
    assert "kosong.txt: berkas kosong" in result.stderr
    assert "tanda kutip tidak ditutup: dibaca sebagai kata" in result.stderr
    assert "empty file" not in result.stderr and "unclosed" not in result.stderr


def test_help_and_usage_errors_in_indonesian(capsys: pytest.CaptureFixture[str]) -> None:
    """argparse's own words (usage, options, error) as well as kliping's, read before parsing."""
    try:
        with pytest.raises(SystemExit) as done:
            main(["--lang", "id", "--help"])
        assert done.value.code == 0
        help_text = capsys.readouterr().out
        for indonesian in ("penggunaan: kliping", "argumen posisi:", "opsi:", "tampilkan pesan bantuan"):
            assert indonesian in help_text
        assert "mulai dengan saringan ini" in help_text
        assert "usage:" not in help_text and "options:" not in help_text
        for argv, expected in [
            (["--lang=id", "--format", "xml"], "pilihan tidak sah: 'xml'"),
            (["--bogus", "--lang", "id"], "argumen tidak dikenal: --bogus"),
            (["--lang", "id", "--filter"], "argumen --filter: perlu satu nilai"),
            (["--lang", "id", "--json"], "hanya bersama --list"),
        ]:
            with pytest.raises(SystemExit) as done:
                main(argv)
            assert done.value.code == 2
            err = capsys.readouterr().err
            assert err.startswith("penggunaan: kliping"), err
            assert "kliping: galat: " in err and expected in err, err
        with pytest.raises(SystemExit):
            main(["--lang", "en", "--bogus"])
        err = capsys.readouterr().err
        assert err.startswith("usage: kliping") and "error: unrecognized arguments" in err
    finally:
        i18n.set_language("en")


def test_the_cache_keeps_problems_as_messages_each_run_reads_in_its_own_language(tmp_path: Path) -> None:
    """A problem found by an English run reads in Indonesian in an Indonesian run of the same cache."""
    from tui.library import Library
    from tui.sync import sync

    folder = tmp_path / "clips"
    folder.mkdir()
    (folder / "kosong.txt").write_bytes(b"")
    (folder / "rusak.jsonl").write_text('{"text": "a"}\n{"text": ', encoding="utf-8")
    cache = tmp_path / "cache.sqlite3"
    i18n.set_language("en")
    library = Library(cache)
    found = [p for update in sync(library, [str(folder)]) for p in update.problems]
    library.close()
    assert sorted(p.reason for p in found) == ["empty file", "line 2: invalid JSON (Expecting value)"]
    stored = sqlite3.connect(cache).execute("SELECT reason FROM problems").fetchall()
    assert all("empty file" not in words or "\x00" in words for (words,) in stored)  # no words, a message
    i18n.set_language("id")
    try:
        library = Library(cache)
        again = library.problems()  # the warm start's problems come from the cache
        library.close()
        assert sorted(p.reason for p in again) == [
            "baris 2: JSON tidak sah (Expecting value)",
            "berkas kosong",
        ]
    finally:
        i18n.set_language("en")


async def test_the_palette_prompt_speaks_the_interface_language(tmp_path: Path) -> None:
    from textual.command import CommandInput

    from tests.app.test_app import settle
    from tests.helpers import small_collection
    from tui.app import KlipingApp

    i18n.set_language("id")
    try:
        app = KlipingApp([small_collection(tmp_path / "clips")])
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+p")
            await pilot.pause(0.2)
            assert app.screen.query_one(CommandInput).placeholder == "Cari perintah…"
    finally:
        i18n.set_language("en")
