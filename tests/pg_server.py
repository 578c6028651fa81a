"""A throwaway PostgreSQL server for the tests and benchmarks of the team library.

`KLIPING_TEST_PG` (a libpq URL of a server where the role may create databases) is used when set;
otherwise the system's PostgreSQL binaries (Debian's `/usr/lib/postgresql/N/bin`, or `initdb` on the
PATH) start a server in a temporary folder, on a Unix socket only, with `initdb --no-sync -A trust`
and no locale, whatever the developer's: ready in under a second. initdb refuses to run as root,
so as root the server runs as the `postgres` user (`runuser`). Without either the PostgreSQL tests
are skipped with one line saying how to run them; with `KLIPING_REQUIRE_PG=1` (.ci/run) that is a
failure instead.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

HOW = (
    "PostgreSQL tests need a server: install Debian's postgresql-15 (.ci/postgres.sh) "
    "or set KLIPING_TEST_PG=postgresql://... (a role that may create databases)"
)


def binaries() -> Path | None:
    """The folder of the newest system PostgreSQL's initdb and pg_ctl, if there is one."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class Server:
    """A PostgreSQL server in a temporary folder, reached through its Unix socket."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="kliping-pg-"))
        self.data = self.root / "data"
        self.socket = self.root  # the socket file lives beside the data
        self._as: list[str] = []
        if os.geteuid() == 0:  # initdb refuses root: the server runs as the postgres user
            shutil.chown(self.root, "postgres", "postgres")
            self._as = ["runuser", "-u", "postgres", "--"]
        self.user = "postgres" if self._as else None

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as, *args], check=True, capture_output=True, cwd=self.root)

    def start(self) -> None:
        # No locale: the developer's (LANG=de_DE.UTF-8, or one not installed, where initdb refused to
        # run) would set the server's messages and character rules; kliping builds its own words
        # and sorts with COLLATE "C", so the tests need none.
        initdb = str(self.bin / "initdb")
        self._run(initdb, "--no-sync", "-A", "trust", "-E", "UTF8", "--no-locale", "-D", str(self.data))
        self._start()

    def standby(self) -> Server:
        """A hot standby of this server, streaming from it (`pg_basebackup -R`), started."""
        replica = Server(self.bin)
        self._run(
            str(self.bin / "pg_basebackup"), "-h", str(self.socket), "-D", str(replica.data),
            "-R", "--checkpoint=fast", "--no-sync", *(["-U", self.user] if self.user else []),
        )  # fmt: skip
        replica._start()
        return replica

    def _start(self) -> None:
        options = f"-k {self.socket} -c listen_addresses='' -c fsync=off"
        log = str(self.root / "server.log")
        self._run(str(self.bin / "pg_ctl"), "-w", "-D", str(self.data), "-l", log, "-o", options, "start")

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():  # a server that never started has none to stop
                self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        user = f"{self.user}@" if self.user else ""
        return f"postgresql://{user}/{database}?host={self.socket}"


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("KLIPING_REQUIRE_PG"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    """A URL of a server where new databases can be made (the environment's, or a throwaway one)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _skip_or_fail("PostgreSQL tests need psycopg: pip install -e '.[test]'")
    given = os.environ.get("KLIPING_TEST_PG")
    if given:
        yield given
        return
    bin_dir = binaries()
    if bin_dir is None:
        _skip_or_fail(HOW)
        return
    server = Server(bin_dir)
    try:
        server.start()
    except (OSError, subprocess.CalledProcessError) as error:
        server.stop()
        _skip_or_fail(f"{HOW} (starting one failed: {error})")
    try:
        yield server.url()
    finally:
        server.stop()


_numbers = itertools.count(1)


@pytest.fixture
def pg_url(pg_admin_url: str) -> Iterator[str]:
    """A URL of a new, empty database, dropped after the test."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    name = f"kliping_test_{os.getpid()}_{next(_numbers)}"
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield make_conninfo(**{**conninfo_to_dict(pg_admin_url), "dbname": name})
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wait_until_listening(url: str, channel: str, timeout: float = 60) -> None:
    """Block until a session of `url`'s role and database has run `LISTEN channel` (as the server
    shows it): a change made before that is never heard, however long a test waits after it."""
    import psycopg

    listen = f"LISTEN {channel}"
    deadline = time.monotonic() + timeout  # only reached when it fails
    with psycopg.connect(url, autocommit=True) as conn:
        while True:
            found = conn.execute(
                "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
                "AND usename = current_user AND pid <> pg_backend_pid() AND state = 'idle' AND query = %s",
                (listen,),
            ).fetchone()
            if found is not None:
                return
            assert time.monotonic() < deadline, f"no session ran {listen} within {timeout} s"
            time.sleep(0.02)
