"""`kliping serve` in a real browser: Debian's chromium, headless, driven through its chromedriver.

The page draws the terminal on a canvas, so the test reads what it shows by replaying the
websocket frames the browser received (Chrome's performance log) through pyte. Skipped, with
the reason, where chromium or chromium-driver is missing (`.ci/browser.sh` installs them).
docs/make_web_screenshot.py takes the screenshot in docs/ the same way.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
if not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)):
    pytest.skip(
        "Debian's chromium and chromium-driver are not installed (.ci/browser.sh installs them)",
        allow_module_level=True,
    )
pytest.importorskip("selenium", reason="selenium is not installed (the test extra has it)")
pytest.importorskip("textual_serve", reason="the web extra (textual-serve) is not installed")

import pyte  # noqa: E402
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.remote.webelement import WebElement  # noqa: E402

from tests.web.client import Server  # noqa: E402
from tests.web.test_web import collection, served_env  # noqa: E402

# The machine notes' flags: no sandbox (root in a container), nothing fetched in the background.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,800",
]


class Tab:
    """The browser's page, and its terminal as pyte replays the frames the browser received."""

    def __init__(self, driver: webdriver.Chrome) -> None:
        self.driver = driver
        self.screen: pyte.Screen | None = None
        self.stream: pyte.ByteStream | None = None
        self.raw = bytearray()
        self.sent: list[list[Any]] = []

    def _take_log(self) -> None:
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            method, params = message["method"], message["params"]
            if method == "Network.webSocketCreated":
                query = parse_qs(urlsplit(params["url"]).query)
                self.screen = pyte.Screen(int(query["width"][0]), int(query["height"][0]))
                self.stream = pyte.ByteStream(self.screen)
            elif method == "Network.webSocketFrameSent":
                sent = json.loads(params["response"]["payloadData"])
                self.sent.append(sent)
                if sent[0] == "resize" and self.screen is not None:
                    self.screen.resize(sent[1]["height"], sent[1]["width"])
            elif method == "Network.webSocketFrameReceived" and params["response"]["opcode"] == 2:
                data = base64.b64decode(params["response"]["payloadData"])
                self.raw.extend(data)
                if self.stream is not None:
                    self.stream.feed(data)

    def text(self) -> str:
        self._take_log()
        return "" if self.screen is None else "\n".join(self.screen.display)

    def wait_for(self, check: Callable[[str], bool] | str, timeout: float = 20) -> str:
        test = (lambda screen: check in screen) if isinstance(check, str) else check
        deadline = time.monotonic() + timeout
        while not test(screen := self.text()):
            if time.monotonic() > deadline:
                raise AssertionError(f"not on the page after {timeout} s:\n{screen}")
            time.sleep(0.05)
        return screen

    @property
    def keyboard(self) -> WebElement:
        """Where xterm.js takes keys: its hidden textarea (a user's click on the page focuses it)."""
        return self.driver.find_element(By.CSS_SELECTOR, "textarea.xterm-helper-textarea")


@pytest.fixture
def chromium(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in [*FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()


def test_the_page_in_chromium_filters_reads_copies_opens_and_downloads(
    chromium: webdriver.Chrome, tmp_path: Path
) -> None:
    folder = collection(tmp_path / "clips")
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    with Server([str(folder)], env=served_env(tmp_path / "home")) as server:
        origin = server.url
        chromium.execute_cdp_cmd(
            "Browser.grantPermissions",
            {"origin": origin, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]},
        )
        chromium.execute_cdp_cmd(
            "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
        )
        chromium.get(origin + "/")
        tab = Tab(chromium)
        screen = tab.wait_for("5 of 5 articles", timeout=30)
        assert "Pelatihan Kader Desa" in screen

        keys = tab.keyboard
        keys.send_keys("/koperasi")
        screen = tab.wait_for("1 of 5 articles")
        assert "Pelatihan Kader Desa" not in screen
        keys.send_keys(Keys.ENTER, Keys.ENTER)
        screen = tab.wait_for("Mereka menjual")
        assert "Koperasi Perempuan Tumbuh di Sumenep" in screen

        png = chromium.get_screenshot_as_png()
        assert png.startswith(b"\x89PNG") and len(png) > 20_000  # the drawn page, not a blank one

        keys.send_keys("y")  # into the browser's own clipboard, through xterm.js and OSC 52
        tab.wait_for("Copied “Koperasi")
        copied = chromium.execute_async_script(
            "navigator.clipboard.readText().then(arguments[0], e => arguments[0]('failed: ' + e))"
        )
        assert copied.startswith("Koperasi Perempuan Tumbuh di Sumenep\n\n"), copied

        keys.send_keys("e")
        tab.wait_for("Export 1 article")
        keys.send_keys(Keys.ENTER)  # the name offered: kliping-export.jsonl
        tab.wait_for("downloading kliping-export.jsonl")
        saved = downloads / "kliping-export.jsonl"
        for _ in range(1200):  # a ceiling of a minute: Chromium renames the download once it is whole
            if saved.exists():
                break
            time.sleep(0.05)
        records = [json.loads(line) for line in saved.read_text(encoding="utf-8").splitlines()]
        assert [r["title"] for r in records] == ["Koperasi Perempuan Tumbuh di Sumenep"]

        chromium.switch_to.window(chromium.window_handles[0])
        keys = tab.keyboard
        before = set(chromium.window_handles)
        keys.send_keys(Keys.ESCAPE, "/", Keys.CONTROL, "u", Keys.NULL, "pekalongan", Keys.ENTER)
        tab.wait_for("Air laut naik")
        keys.send_keys("w")  # a new tab of this browser
        tab.wait_for("Opened https://example.org/rob")
        for _ in range(1200):  # a ceiling of a minute: it ends when the tab is there
            if set(chromium.window_handles) - before:
                break
            time.sleep(0.05)
        assert set(chromium.window_handles) - before
    assert "Traceback" not in bytes(tab.raw).decode("utf-8", "replace")
