"""Browsing through a streaming replica while a sync writes to the primary: PostgreSQL's own
replication, and libpq's own choice of host (`target_session_attrs`), not anything of kliping's."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import many_articles, small_collection
from tests.pg_server import Server, binaries
from tui.query import parse
from tui.state import ReadingState
from tui.sync import sync


@pytest.fixture
def primary_and_replica() -> Iterator[tuple[Server, Server]]:
    import os

    bin_dir = binaries()
    if bin_dir is None or os.environ.get("KLIPING_TEST_PG"):
        pytest.skip("needs the system's PostgreSQL binaries to start a primary and a replica")
    primary = Server(bin_dir)
    primary.start()
    try:
        replica = primary.standby()
    except BaseException:
        primary.stop()
        raise
    try:
        yield primary, replica
    finally:
        replica.stop()
        primary.stop()


def test_browsing_a_replica_while_a_sync_writes_to_the_primary(
    tmp_path: Path, primary_and_replica: tuple[Server, Server]
) -> None:
    from tui.library.pg import LibraryError, PgLibrary

    primary, replica = primary_and_replica
    first = small_collection(tmp_path / "first")
    second = many_articles(tmp_path / "second", 400)
    writer = PgLibrary(primary.url(), syncing=True)
    for _update in sync(writer, [str(first)]):
        pass
    # Any host that is a standby, as a team would write it: libpq picks the replica.
    hosts = f"{replica.socket},{primary.socket}"
    url = f"postgresql://{primary.user + '@' if primary.user else ''}/postgres?host={hosts}"
    url += "&target_session_attrs=prefer-standby"
    reader = _when_there(lambda: PgLibrary(url))
    assert reader._conn().execute("SELECT pg_is_in_recovery()").fetchone() == (True,)
    _until(lambda: len(reader.rows()) == 3)
    state = reader.reading_state(ReadingState())  # marks cannot go to a standby: said so, once
    state.set_read(reader.rows()[0].digest)
    state.set_starred(reader.rows()[0].digest)
    (told,) = state.take_notices()
    assert "standby" in told and "open the primary" in told

    failures: list[BaseException] = []

    def syncing() -> None:
        try:
            for _update in sync(writer, [str(second)], processes=0):
                pass
        except BaseException as error:  # noqa: BLE001 (reported below)
            failures.append(error)

    thread = threading.Thread(target=syncing)
    thread.start()
    searched = 0
    while thread.is_alive():  # the replica answers all along, whatever the primary is writing
        assert reader.search(parse("koperasi")).keys
        reader.search(parse("artikel desa"), "date", limit=200)
        searched += 1
    thread.join()
    assert failures == [] and searched > 0
    _until(lambda: len(reader.rows()) == 403)  # the replica catches up by itself
    keys = reader.search(parse("nomor 399")).keys
    assert [reader.article(key).title for key in keys] == ["Artikel nomor 399 tentang desa 0"]  # type: ignore[union-attr]
    with pytest.raises(LibraryError, match="read-only"):  # a standby takes no writes
        PgLibrary(url, syncing=True)
    state.close()
    reader.close()
    writer.close()


def _when_there(make: object, seconds: float = 10.0) -> object:
    """`make()` once the replica takes connections and has replayed the tables."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return make()  # type: ignore[operator]
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _until(check: object, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.1)
