#!/usr/bin/env bash
# CI: Debian's chromium and its chromedriver for tests/web/test_web_browser.py (the test skips without
# them). Idempotent: installs only what is missing. Never a browser download from elsewhere.
set -euo pipefail
if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
    exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq chromium chromium-driver
