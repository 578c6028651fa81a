#!/usr/bin/env bash
# CI: the PostgreSQL the team library's tests start a throwaway server from (tests/pg_server.py).
# .ci/run runs it, then exports KLIPING_REQUIRE_PG=1 so that a missing server fails those tests.
# Idempotent: installs Debian's postgresql-15 only when its binaries are missing. No server is
# started here: each test session starts its own in a temporary folder (as `postgres` when root).
set -euo pipefail
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    # The package's own cluster is not needed (the tests make theirs); its service is left stopped.
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null
fi
