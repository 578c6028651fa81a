"""Regenerate docs/web-screenshot.png: `kliping serve` on the bundled seeds in headless Chromium.

python docs/make_web_screenshot.py   (Debian's chromium and chromium-driver: .ci/browser.sh)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

from tests.web.client import Server  # noqa: E402
from tests.web.test_web import served_env  # noqa: E402
from tests.web.test_web_browser import CHROMEDRIVER, CHROMIUM, FLAGS, Tab  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in [*FLAGS, f"--user-data-dir={tmp}/profile"]:
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
        driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
        try:
            with Server([str(ROOT / "seeds")], env=served_env(Path(tmp) / "home")) as server:
                driver.get(server.url + "/")
                tab = Tab(driver)
                tab.wait_for("2 of 2 articles", timeout=30)
                tab.keyboard.send_keys("/pertemuan")
                tab.wait_for(lambda screen: "pertemuan" in screen and "2 unread" in screen)
                tab.keyboard.send_keys(Keys.ENTER)
                tab.wait_for("match 1/")
                driver.save_screenshot(str(ROOT / "docs" / "web-screenshot.png"))
        finally:
            driver.quit()


if __name__ == "__main__":
    main()
