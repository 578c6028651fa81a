"""`kliping serve`: the app in a browser tab, read through the page's own websocket (no browser).

Each test opens the websocket textual-serve's page opens and replays the app's terminal frames
through pyte (tests/web/client.py), so it sees what the page draws. The real-browser test is
tests/web/test_web_browser.py.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("textual_serve", reason="the web extra (textual-serve) is not installed")
pytest.importorskip("aiohttp", reason="the web extra (aiohttp) is not installed")

from tests.app.test_hostile import RAW_CONTROL, escape_clippings  # noqa: E402
from tests.helpers import run_kliping, small_collection, write_article  # noqa: E402
from tests.web.client import ROOT, Page, Server, free_port  # noqa: E402
from tui.cli import main  # noqa: E402
from tui.screens.downloads import download_name  # noqa: E402
from tui.web import child_command, is_loopback  # noqa: E402

# A folder name a shell would split or expand: the command textual-serve runs is a shell line.
FOLDER = "kliping clips; echo $HOME 'x'"
OSC_52 = re.compile(rb"\x1b\]52;c;([A-Za-z0-9+/=]*)\x07")


def served_env(home: Path) -> dict[str, str]:
    """A server of a module's own: its cache, state and config in a temporary home, in English."""
    env = {k: v for k, v in os.environ.items() if k not in ("KLIPING_LANG", "NO_COLOR")}
    for name in ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        env[name] = str(home / name.lower())
    env["LANGUAGE"] = "en"
    env.pop("VISUAL", None)
    env["EDITOR"] = "vi"  # were `o` to run it, the page would hang: it must not
    return env


def collection(folder: Path) -> Path:
    small_collection(folder)
    (folder / "d.md").write_text(
        "---\ntitle: Banjir Rob di Pekalongan\ndate: 2024-02-01\nsource: Warta\n"
        "url: https://example.org/rob?a=1&b=2\n---\n\nAir laut naik ke permukiman nelayan.\n",
        encoding="utf-8",
    )
    (folder / "e.md").write_text(
        "---\ntitle: Tautan Jahat Sekali\ndate: 2024-02-02\nurl: javascript:alert(document.cookie)\n---\n\n"
        "Isi singkat tentang tautan.\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    base = tmp_path_factory.mktemp("served")
    folder = collection(base / FOLDER)
    with Server([str(folder)], env=served_env(base / "home")) as server:
        yield server


async def filtered(page: Page, words: str, body: str) -> str:
    """`/`, the words, Enter: the list shows the one match, and the reader has it (its body shows)."""
    await page.wait_for("5 of 5 articles", timeout=30)
    await page.press("/")
    await page.type(words)
    await page.wait_for("1 of 5 articles")
    await page.press("\r")
    return await page.wait_for(body)


async def test_the_page_shows_the_list_filters_it_and_reads_an_article(served: Server) -> None:
    async with Page(served.url) as page:
        screen = await page.wait_for("5 of 5 articles", timeout=30)
        assert "Pelatihan Kader Desa" in screen and "Koperasi Perempuan" in screen
        await page.press("/")
        await page.type("koperasi")
        screen = await page.wait_for("1 of 5 articles")
        assert "Pelatihan Kader Desa" not in screen
        await page.press("\r", "\r")  # to the list, then read
        screen = await page.wait_for("300 anggota aktif")
        assert "Koperasi Perempuan Tumbuh di Sumenep" in screen
        assert "Traceback" not in screen


async def test_w_opens_the_url_in_a_new_tab_of_the_reader_s_browser(served: Server) -> None:
    async with Page(served.url) as page:
        await filtered(page, "pekalongan", "Air laut naik")
        await page.press("w")
        message = await page.wait_for_message("open_url")
        assert message[1] == {"url": "https://example.org/rob?a=1&b=2", "new_tab": True}
        await page.wait_for("Opened https://example.org/rob?a=1&b=2 in the browser")


async def test_w_opens_no_javascript_url_from_a_file(served: Server) -> None:
    """The page runs `window.open(url)`: a file's javascript: URL would run in the reader's browser."""
    async with Page(served.url) as page:
        await filtered(page, "jahat", "Isi singkat tentang tautan")
        await page.press("w")
        await page.wait_for("Not opened: javascript:")
        assert not [m for m in page.messages if m[0] == "open_url"]


async def test_y_and_c_copy_to_the_browser_s_clipboard(served: Server) -> None:
    """The copy reaches the page as OSC 52, which its terminal (xterm.js) hands to the clipboard."""
    async with Page(served.url) as page:
        await filtered(page, "koperasi", "300 anggota aktif")
        await page.press("y")
        await page.wait_for("Copied “Koperasi Perempuan")
        copied = [base64.b64decode(m).decode() for m in OSC_52.findall(bytes(page.raw))]
        assert copied and copied[-1].startswith("Koperasi Perempuan Tumbuh di Sumenep\n\n")
        assert "300 anggota aktif" in copied[-1]
        await page.press("c")
        await page.wait_for("Copied a citation")
        copied = [base64.b64decode(m).decode() for m in OSC_52.findall(bytes(page.raw))]
        assert copied[-1].startswith("“Koperasi Perempuan Tumbuh di Sumenep”")


async def test_e_offers_the_export_as_a_download(served: Server) -> None:
    async with Page(served.url) as page:
        await page.wait_for("5 of 5 articles", timeout=30)
        await page.press("e")
        screen = await page.wait_for("Export 5 articles")
        assert "kliping-export.jsonl" in screen and str(ROOT) not in screen  # a name, not a server path
        await page.press("\x15")  # Ctrl+U: the line cleared
        await page.wait_for(lambda screen: "kliping-export.jsonl" not in screen)
        await page.type("../rekap banjir.csv")
        await page.wait_for("../rekap banjir.csv")
        await page.press("\r")
        key = (await page.wait_for_message("deliver_file_start"))[1]
        with urllib.request.urlopen(f"{served.url}/download/{key}", timeout=20) as response:
            disposition = response.headers["Content-Disposition"]
            body = response.read().decode("utf-8")
        assert disposition == "attachment; filename=rekap_banjir.csv"
        assert body.splitlines()[0].startswith("title,")
        assert "Koperasi Perempuan Tumbuh di Sumenep" in body and "Banjir Rob di Pekalongan" in body
        await page.wait_for("Exported 5 articles: downloading rekap_banjir.csv")


async def test_o_says_the_editor_is_not_available_instead_of_hanging(served: Server) -> None:
    async with Page(served.url) as page:
        await filtered(page, "koperasi", "300 anggota aktif")
        await page.press("o")
        await page.wait_for("Opening the file in an editor is not")
        await page.press("j")  # still answering keys
        await page.press("q")
        await page.closed.wait()


async def test_hostile_files_reach_the_page_as_visible_escapes(tmp_path: Path) -> None:
    """A file's escape sequences never reach the page's terminal; markup in a title stays text."""
    escape_clippings(tmp_path / "clips")
    write_article(tmp_path / "clips", "m.txt", "Judul [/] penutup [@click=app.quit]x[/]", "1 Mei 2024",
                  ["Isi berita. " * 20])  # fmt: skip
    config = tmp_path / "home" / "xdg_config_home" / "kliping" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("fold_copies = false\n")  # both hostile files in a row each (they are copies)
    with Server([str(tmp_path / "clips")], env=served_env(tmp_path / "home")) as server:
        async with Page(server.url, columns=160, lines=40) as page:
            screen = await page.wait_for("3 of 3 articles", timeout=30)
            assert "Judul berita tautan \\u202egnp.exe" in screen and "[@click=app.quit]x[/]" in screen
            await page.press("/")
            await page.type("badan")
            await page.press("\r", "\r")
            screen = await page.wait_for("\\x1b[2J")
            await page.press("*")
            await page.press("r")
            await page.wait_for(lambda s: "\\x9b31m" in s or "\\u009b31m" in s)
            await page.press("p")  # the problems: a file name with an escape
            await page.wait_for("clips/bad\\x1b]0;")  # (a long temporary path is cut after it)
    raw = bytes(page.raw)
    for planted in (b"pwned\x07", b"\x1b]52;c;aGVsbG8=", b"evil.example\x07", b"\x9b2J", b"\xc2\x9b"):
        assert planted not in raw
    assert not RAW_CONTROL.search(page.text())
    assert "Traceback" not in server.out + server.err


async def test_a_crash_in_the_app_keeps_the_traceback_off_the_page(tmp_path: Path) -> None:
    """The crash log takes the traceback; the page ends its session; the server's log says where."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        textwrap.dedent(
            """
            import os
            if os.environ.get("KLIPING_SERVED") and os.environ.get("TEXTUAL_DRIVER"):
                import tui.screens.actions

                def boom(self):
                    raise RuntimeError("planted failure")

                tui.screens.actions.ArticleActions.toggle_star = boom
            """
        ),
        encoding="utf-8",
    )
    small_collection(tmp_path / "clips")
    env = served_env(tmp_path / "home")
    server = Server([str(tmp_path / "clips")], env=env, pythonpath=[str(hook)])
    with server:
        async with Page(server.url) as page:
            await page.wait_for("3 of 3 articles", timeout=30)
            await page.press("*")
            await page.closed.wait()
    seen = bytes(page.raw).decode("utf-8", "replace") + json.dumps(page.messages) + page.text()
    assert "Traceback" not in seen and "planted failure" not in seen
    assert server.out.count("kliping stopped on an unexpected error; the details are in") == 1
    logs = list((tmp_path / "home" / "xdg_cache_home" / "kliping" / "crashes").glob("crash-*.log"))
    assert logs and "planted failure" in logs[0].read_text(encoding="utf-8")


async def test_the_number_of_tabs_is_bounded_with_a_clear_answer(tmp_path: Path) -> None:
    small_collection(tmp_path / "clips")
    args = ["--max-sessions", "1", str(tmp_path / "clips")]
    with Server(args, env=served_env(tmp_path / "home")) as server:
        async with Page(server.url) as first:
            await first.wait_for("3 of 3 articles", timeout=30)
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(server.url + "/", timeout=10)
            assert refused.value.code == 503
            text = refused.value.read().decode()
            assert "1 browser tab is open, the most this server runs at once" in text
            assert "Close one of them, then reload this page." in text
            async with Page(server.url) as second:  # straight to the websocket: refused too
                await second.closed.wait()
            assert "the most this server runs at once" in bytes(second.raw).decode()
        for _ in range(600):  # the first tab closed: its place is free again (a ceiling)
            try:
                with urllib.request.urlopen(server.url + "/", timeout=10) as response:
                    assert response.status == 200
                    break
            except urllib.error.HTTPError:
                time.sleep(0.1)
        else:
            raise AssertionError("the closed tab's place was not freed")


async def test_ctrl_c_ends_the_server_and_the_open_tabs_apps(tmp_path: Path) -> None:
    """Ctrl+C with a tab open: each app quits and the server ends (it waited on the tabs before)."""
    small_collection(tmp_path / "clips")
    server = Server([str(tmp_path / "clips")], env=served_env(tmp_path / "home"))
    with server:
        async with Page(server.url) as page:
            await page.wait_for("3 of 3 articles", timeout=30)
            assert len(server.session_processes()) >= 2  # the server and the tab's app
            await asyncio.to_thread(server.stop)  # the page answers the server's close meanwhile
            await page.closed.wait()
    assert not server.killed and server.process.returncode == 0
    assert server.session_processes() == []


def test_another_address_than_loopback_is_served_only_with_a_warning(tmp_path: Path) -> None:
    small_collection(tmp_path / "clips")
    with Server([str(tmp_path / "clips")], env=served_env(tmp_path / "home")) as server:
        pass
    assert f"on http://127.0.0.1:{server.port}" in server.out
    assert "warning" not in server.err
    with Server(["--host", "0.0.0.0", str(tmp_path / "clips")], env=served_env(tmp_path / "home")) as server:
        pass
    assert "warning: listening on 0.0.0.0, reachable from other machines" in server.err
    assert "no login and no TLS" in server.err and "reverse proxy" in server.err


def test_a_taken_port_is_said_plainly(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "tui", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=dict(served_env(tmp_path), PYTHONPATH=str(ROOT)),
            timeout=60,
        )
    assert result.returncode == 2
    assert result.stderr.strip() == f"kliping: cannot serve on 127.0.0.1:{port}: Address already in use"


def test_only_a_served_app_starts_without_a_terminal(tmp_path: Path) -> None:
    """The flag `serve` sets is not enough on a pipe: the app draws through textual-serve's driver."""
    small_collection(tmp_path)
    result = run_kliping(["--no-cache", str(tmp_path)], input="", KLIPING_SERVED="1")
    assert result.returncode == 2 and "needs a terminal" in result.stderr


def test_serving_without_the_web_extra_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "textual_serve", None)
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)
    assert main(["serve", "--port", str(free_port())]) == 2
    assert capsys.readouterr().err == "kliping: serving needs the web extra: pip install 'kliping[web]'\n"


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (["serve", "--port", "0"], "the port must be between 1 and 65535"),
        (["serve", "--max-sessions", "0"], "--max-sessions must be at least 1"),
        (["serve", "/no/such/folder"], "no such file or folder: /no/such/folder"),
        (["serve", "--library", "postgresql://h/db", "."], "--library opens the team library alone"),
    ],
)
def test_bad_serve_arguments_are_refused(
    argv: list[str], error: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    assert error in capsys.readouterr().err


def test_the_child_command_keeps_every_path_and_option_whole() -> None:
    import shlex

    command = shlex.split(child_command(["a b; $(x)", "-x"], filter_text="-tag:a 'b'", lang="id"))
    assert command[1:5] == ["-m", "tui", "--lang=id", "--filter=-tag:a 'b'"]
    assert command[5] == "--" and command[6:] == [os.path.abspath("a b; $(x)"), os.path.abspath("-x")]
    team = shlex.split(child_command([], library="postgresql://reader@db.example/kliping"))
    assert team[3:] == ["--library=postgresql://reader@db.example/kliping", "--"]


def test_loopback_and_download_names() -> None:
    assert all(map(is_loopback, ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"]))
    assert not any(map(is_loopback, ["0.0.0.0", "::", "192.168.1.5", "example.org"]))
    assert download_name("~/x/../rekap banjir.csv", "csv") == "rekap_banjir.csv"
    assert download_name("/tmp/", "jsonl") == "tmp.jsonl"
    assert download_name("..", "md") == "kliping-export.md"


def test_the_page_fetches_nothing_from_other_sites(served: Server) -> None:
    """textual-serve's page links a Google font: a served kliping tells no third party who reads."""
    with urllib.request.urlopen(served.url + "/", timeout=10) as response:
        page = response.read().decode()
    assert "textual-terminal" in page  # the real page, not an error
    fetched = re.findall(r"""(?:href|src)=["'](https?://[^"']*)""", page)
    assert fetched  # its scripts and styles, from this server
    assert [url for url in fetched if not url.startswith(served.url + "/")] == []
