"""Bring a library up to date with folders on disk: reuse what the cache knows, parse only what changed."""

from __future__ import annotations

import os
import signal
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import nullcontext, suppress
from dataclasses import dataclass, field
from itertools import count, islice
from pathlib import Path

from tui import budget, documents, spawning
from tui.article import Article, Problem
from tui.library import Row
from tui.library.interface import Copying, Grouped, LibraryLike
from tui.library.pg_text import copied
from tui.library.records import Copied, Prepared, carrying, prepare
from tui.listing import Listing, scan
from tui.loader import SUMMARY_EXAMPLES, find_paths, load_file, stream_records, summary

BATCH = 200  # files per transaction and per message to the app: small enough to show progress often
# Bytes of files a worker takes at once, a transaction holds, and the workers have in hand: with
# large files (long reports, pages with everything inlined) a count alone held gigabytes.
CHUNK_BYTES = 8 * 1024 * 1024
GROUP_BYTES = 32 * 1024 * 1024
PENDING_BYTES = 48 * 1024 * 1024
FIRST_SCREEN = 200  # cached rows sent ahead of the rest on a warm start
FIRST = 50  # files parsed before anything else, so the first rows show within a second
PARALLEL_FROM = 1500  # below this many files to parse, starting worker processes costs more than it saves
BULK_FROM = 1500  # this many files to parse are a bulk load: larger transactions, index merged after
BULK_MOST = 2000  # files per transaction in a bulk load, reached by doubling from BATCH
# Files of a bulk load whose texts are split into words in Python, for the terms table (stems and
# prefixes) while loading; after them, the words come from the index when it is merged
# (vocabulary.index_words). By then nearly every word has been seen: the 100k corpus has ~1,500.
EVERY_WORD_FILES = 10_000
GROUPS_WAIT = 0.2  # seconds between looks at should_stop while the groups are being made

# A JSON list or JSON Lines file this large is read and written a piece at a time, in the load's
# thread, never held whole: a million-record export took 1.87 GB and wrote nothing in 15 minutes.
STREAM_FROM = CHUNK_BYTES
PIECE = 1000  # records of such a file a transaction, fewer when their text passes CHUNK_BYTES

Items = list[Article | Prepared | Copied | Problem]
FileItems = tuple[str, int, int, Items]


@dataclass
class Update:
    """A step of progress: rows to add to the list, problems to report, and how far the load is."""

    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    removed: set[str] = field(default_factory=set)  # paths whose earlier rows and problems are gone
    newest_first: bool = False  # the rows are the newest of all, in date order: showable as they are
    notices: list[str] = field(default_factory=list)  # said once: e.g. the cache could not be written
    bulk: bool = False  # thousands of files to parse follow (a cold start): see BULK_FROM
    done: int = 0
    total: int = 0
    finished: bool = False
    grouping: bool = False  # finished, but the near-duplicate groups are still being made (grouping.py)


SHOWN_ROWS = 20_000  # rows the event loop takes in at once (tui/screens/loading.py): ~30 ms


def in_pieces(update: Update, rows: int = SHOWN_ROWS) -> Iterator[Update]:
    """The update as a few smaller ones of at most `rows` rows, which together say the same: what
    it takes back, its problems and notices with the first, its end with the last. Taken in at
    once, a warm start's or a team library's 1M rows held the event loop 1.5-3 s, and the keys
    typed meanwhile."""
    if len(update.rows) <= rows:
        yield update
        return
    last = len(update.rows) - rows
    for start in range(0, len(update.rows), rows):
        first = start == 0
        end = start >= last
        yield Update(
            rows=update.rows[start : start + rows],
            problems=update.problems if first else [],
            removed=update.removed if first else set(),
            newest_first=update.newest_first and first,
            notices=update.notices if first else [],
            bulk=update.bulk and first,
            done=update.done,
            total=update.total,
            finished=update.finished and end,
            grouping=update.grouping and end,
        )


def parse_files(
    paths: Sequence[str],
    every_word: bool = True,
    should_stop: Callable[[], bool] | None = None,
    sketch: bool = True,
    team: str = "",
    common: tuple[str, ...] = (),
) -> list[FileItems]:
    """Parse a chunk of files; runs in a worker process, so it takes and returns plain picklable data.

    Documents are read within a work budget (tui.budget); `should_stop` ends the wait for one, and
    the chunk then ends where it is.

    The articles come prepared for the writer (records.prepare): that work is done here, in
    parallel, and not on the writer's thread. A chunk is always written in one transaction, so
    the words of all its articles travel once, with its last article (without `every_word`, only
    those with a non-ASCII letter: records.prepare). Without `sketch` (a bulk load), near-duplicate
    sketches are made after the load (tui.library.grouping).

    With `team` (a sync into a team library, interface.Copying: its name, see _stems_sent), the
    articles come made for its COPY instead (pg_text.copied), and the words this process had not
    sent that sync before, with their stems, travel with the chunk's last article; `common`: its
    common words, once chosen, which each article's row notes (tui.library.pg_common).
    """
    out: list[FileItems] = []
    words: set[bytes] = set()
    stems = _stems_sent(team) if team else {}
    before = len(stems)
    last: tuple[int, int] | None = None  # where the chunk's last article is: file, item
    for path in paths:
        info: os.stat_result | None = None
        try:
            info = os.stat(path)
            size, mtime = info.st_size, info.st_mtime_ns
        except OSError:
            size, mtime = -1, -1  # load_file tries again and says what is wrong
        items: Items = []
        if _is_document(path):
            found = budget.load_document(path, should_stop or _never)
            if should_stop is not None and should_stop():
                break
        else:
            found = load_file(path, info)  # the same stat: one call a file, not two
        for item in found:
            if isinstance(item, Article):
                last = (len(out), len(items))
                if team:  # (its raw words, the local cache's vocabulary, are not asked for)
                    items.append(copied(prepare(item, set(), every_word=False), stems, common or None))
                else:
                    items.append(prepare(item, words, every_word, sketch))
            else:
                items.append(item)
        out.append((path, size, mtime, items))
    if last is not None:
        file, index = last
        made = out[file][3][index]
        if isinstance(made, Copied):
            out[file][3][index] = made._replace(stems=dict(islice(stems.items(), before, None)))
        else:
            assert isinstance(made, Prepared)
            out[file][3][index] = carrying(made, words)
    return out


_sent: dict[str, dict[str, str]] = {}  # the words and stems this process sent a team sync (one at a time)
_SENT_MOST = 1 << 20  # words kept: past them, they are sent again (the writer skips what it has)
_syncs = count(1)


def _stems_sent(team: str) -> dict[str, str]:
    """The words (and their stems) this process has sent the sync named `team`: each goes to the
    writer once a process, not once a chunk (a chunk's were most of what a worker sent back). A
    sync that stops has its processes end with it: what they sent and was not written goes with
    them, and the next sync is another name."""
    found = _sent.get(team)
    if found is None or len(found) > _SENT_MOST:
        _sent.clear()
        found = _sent[team] = {}
    return found


def _none() -> tuple[str, ...]:
    return ()


def sync(
    library: LibraryLike,
    paths: Iterable[str | os.PathLike[str]],
    *,
    processes: int | None = None,
    should_stop: Callable[[], bool] | None = None,
    listing: Listing | None = None,
    again: bool = False,
) -> Iterator[Update]:
    """Yield the cached rows first, then what changed on disk, then the rows of each parsed batch.

    The cached rows come before the folders are even listed, so a warm start shows the whole list
    at once; the next update takes back the rows of files since deleted or changed. `listing` is
    the folders listed by a child process since launch (tui.listing), if there is one. `again`:
    the list shows the library already (a reload).
    """
    if library.shared:  # kept by `kliping sync --library`: what it holds, and no folder read here
        # The newest screenful first: reading every row took 5.5 s at 1M (0.5 s at 100k), and the
        # list stayed empty meanwhile; this takes a few milliseconds through the date index.
        # (not on a reload: the list would drop to them while the rest is read)
        head = [] if again else library.rows(newest_first=True, limit=FIRST_SCREEN)
        if head:
            yield Update(rows=head, done=0, total=0, newest_first=True)
        shown = {row.key for row in head}
        rows, taken, held = library.shared_rows()  # (on a reload, only what changed)
        yield Update(
            rows=[row for row in rows if row.key not in shown],
            removed=taken,
            problems=library.problems(),  # found by the syncs, kept beside the articles
            done=held,
            total=held,
            newest_first=not head,
        )
        yield Update(done=held, total=held, finished=True, notices=library.take_notices())
        return
    paths = list(paths)
    library.typed_as(paths)
    team = f"{os.getpid()}.{next(_syncs)}" if isinstance(library, Copying) and library.copies() else ""
    try:
        # The newest screenful first, before anything that reads every file's entry (0.2–1 s at
        # 100k): it is the top of the list as the user first sees it.
        # (not on a reload: the list would drop to them while the rest is read)
        head = [] if again else library.rows(newest_first=True, limit=FIRST_SCREEN)
        if head:
            count = library.file_count()
            yield Update(rows=head, done=count, total=count, newest_first=True)
        known = library.file_state()
        shown = {row.key for row in head}
        cached_rows = [row for row in library.rows() if row.key not in shown] if known else []
        cached_problems = library.problems() if known else []
    except sqlite3.DatabaseError as error:
        library.set_aside(str(error))  # damaged inside: start again from the files
        known, cached_rows, cached_problems = {}, [], []
    if cached_rows or cached_problems:
        yield Update(rows=cached_rows, problems=cached_problems, done=len(known), total=len(known))
    early_read: set[str] = set()
    if not known:
        # Cold start: the first few files are read before the whole tree is listed, so rows
        # appear within a second even when listing 100k files takes most of one.
        early = _first_files(paths)
        if early:
            batch = parse_files(early, should_stop=should_stop, team=team)
            early_read = {path for path, *_ in batch}
            rows = library.put_files(batch)
            problems = [item for *_, items in batch for item in items if isinstance(item, Problem)]
            yield Update(
                rows=rows,
                problems=problems,
                done=len(batch),
                total=len(batch),
                notices=library.take_notices(),
            )
            known = library.file_state()
    listed = listing.take(paths) if listing is not None else None
    files, scan_problems = listed if listed is not None else scan(paths)
    current = {path: (size, mtime) for path, size, mtime in files}
    total = len(files)
    stale: list[str] = []
    removed: set[str] = set()
    if current == known:  # a warm start with nothing changed, in one comparison (100k: 115 -> 40 ms)
        fresh: AbstractSet[str] = current.keys()
    else:
        gone = [path for path in known if path not in current]
        if gone:
            library.forget_files(gone)
        fresh = {path for path, state in current.items() if known.get(path) == state}
        stale = [path for path in current if path not in fresh]
        # What is not fresh is taken back, except what this run read first and then saw vanish:
        # that was reported (e.g. "file disappeared while loading") and the report stands.
        removed = {
            path for path in known if path not in fresh and (path in current or path not in early_read)
        }
    bulk = len(stale) >= BULK_FROM
    yield Update(
        done=len(fresh),
        total=total,
        problems=list(scan_problems),
        removed=removed,
        notices=library.take_notices(),
        bulk=bulk,
    )
    done = len(fresh)
    # A bulk load writes up to BULK_MOST files a transaction (FTS5 writes a segment per
    # transaction, and merging small ones was half the load's time), so its rows come every half
    # second or so; the first transactions are smaller, so the list fills at once.
    sizes = {path: size for path, size, _ in files} if stale else {}
    streamed = [path for path in stale if _streamed(path, sizes.get(path, 0))]
    if streamed:
        stale = [path for path in stale if not _streamed(path, sizes.get(path, 0))]
    stop = should_stop or _never
    batches = _parse(
        stale,
        processes,
        stop,
        BULK_MOST if bulk else BATCH,
        sizes,
        EVERY_WORD_FILES if bulk else None,
        # A bulk load's sketches are made after it by a library that groups later (grouping.py);
        # a team library groups from the sketches its sync brings.
        sketch=not (bulk and isinstance(library, Grouped)),
        team=team,
        common=library.common_words if team and isinstance(library, Copying) else _none,
    )
    with library.bulk_load() if bulk else nullcontext():
        for batch in _grouped(batches, BULK_MOST if bulk else BATCH, sizes):
            rows = library.put_files(batch)
            done += len(batch)
            problems = [item for *_, items in batch for item in items if isinstance(item, Problem)]
            yield Update(rows=rows, problems=problems, done=done, total=total, notices=library.take_notices())
        for path in streamed:
            for number, piece in enumerate(_pieces(path, stop)):
                rows = library.put_files([piece], keep=number > 0)
                found = [item for item in piece[3] if isinstance(item, Problem)]
                notices = library.take_notices()
                yield Update(rows=rows, problems=found, done=done, total=total, notices=notices)
            done += 1
            if stop():
                break
    if not bulk:
        library.merge_leftovers()  # after a bulk load, bulk_load's end has started merging
    grouping = isinstance(library, Grouped) and not library.wait_for_groups(0)
    yield Update(done=done, total=total, finished=True, notices=library.take_notices(), grouping=grouping)
    if grouping:
        assert isinstance(library, Grouped)
        # The near-duplicate groups a bulk load left are made in the background (grouping.py):
        # once they are in, finished again, so the list takes its `×3` marks.
        while not library.wait_for_groups(GROUPS_WAIT):
            if stop():
                return
        yield Update(done=done, total=total, finished=True, notices=library.take_notices())


def changed_on_disk(library: LibraryLike, paths: Iterable[str | os.PathLike[str]]) -> bool:
    """Whether the folders hold other files, or files of another size or time, than the cache knows."""
    files, _problems = scan(paths)
    return {path: (size, mtime) for path, size, mtime in files} != library.file_state()


def _first_files(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    """The first FIRST files found, or fewer when they pass CHUNK_BYTES (large files: one or two)."""
    early: list[str] = []
    held = 0
    for found in islice(find_paths(paths), FIRST):
        if isinstance(found, Problem) or _is_document(found):
            continue  # a document may take its whole budget: it waits for the main pass
        size = 0
        with suppress(OSError):  # parsing it says what is wrong
            size = os.stat(found).st_size
        if _streamed(found, size):
            continue  # read a piece at a time in the main pass
        early.append(found)
        held += size
        if held >= CHUNK_BYTES:
            break
    return early


def _grouped(
    batches: Iterator[list[FileItems]], most: int, sizes: Mapping[str, int] | None = None
) -> Iterator[list[FileItems]]:
    """Parsed batches joined into transactions of BATCH files, then twice as many, up to `most`,
    and never much over GROUP_BYTES of files."""
    want = BATCH
    group: list[FileItems] = []
    held = 0
    for batch in batches:
        group.extend(batch)
        held += sum((sizes or {}).get(path, 0) for path, *_ in batch)
        if len(group) >= want or held >= GROUP_BYTES:
            yield group
            group, held = [], 0
            want = min(want * 2, most)
    if group:
        yield group


def _streamed(path: str, size: int) -> bool:
    """Whether a file is read and written a piece at a time (STREAM_FROM)."""
    return size >= STREAM_FROM and os.path.splitext(path)[1].lower() in (".json", ".jsonl")


def _pieces(path: str, should_stop: Callable[[], bool]) -> Iterator[FileItems]:
    """A large record file's articles and problems, PIECE records at a time. The pieces before the
    last are marked unfinished (size and time -1), so a load stopped midway reads the file again."""
    try:
        info = os.stat(path)
        size, mtime = info.st_size, info.st_mtime_ns
    except OSError:
        size, mtime = -1, -1
    items: Items = []
    words: set[bytes] = set()
    held = 0
    problems: list[Problem] = []  # the first few, said in one line at the end (loader.summarised)
    count = 0
    for item in stream_records(path):
        if should_stop():
            return
        if isinstance(item, Article):
            prepared = prepare(item, words)
            held += len(prepared.text)
            items.append(prepared)
        else:
            count += 1
            if len(problems) < SUMMARY_EXAMPLES:
                problems.append(item)
        if len(items) >= PIECE or held >= CHUNK_BYTES:
            yield path, -1, -1, _carried(items, words)
            items, words, held = [], set(), 0
    if count:
        items.append(problems[0] if count == 1 else summary(problems, count))
    yield path, size, mtime, _carried(items, words)


def _carried(items: Items, words: set[bytes]) -> Items:
    """The items with the piece's words on its last article (as parse_files does for a chunk)."""
    for index in range(len(items) - 1, -1, -1):
        found = items[index]
        if isinstance(found, Prepared):
            items[index] = carrying(found, words)
            break
    return items


def _is_document(path: str) -> bool:
    # Most paths end otherwise, told without splitext (a microsecond a file in the workers).
    return path[-_DOCUMENT_TAIL:].lower().endswith(_DOCUMENT_ENDINGS) and (
        os.path.splitext(path)[1].lower() in documents.SUFFIXES
    )


_DOCUMENT_ENDINGS = tuple(documents.SUFFIXES)
_DOCUMENT_TAIL = max(map(len, _DOCUMENT_ENDINGS))


def _chunks(paths: list[str], sizes: Mapping[str, int]) -> list[list[str]]:
    """Paths in chunks of at most BATCH files and about CHUNK_BYTES (one large file alone); the
    documents after the rest, in chunks of their own, so a slow one holds up no other file's rows."""
    chunks: list[list[str]] = []
    chunk: list[str] = []
    held = 0
    documents_from = sum(not _is_document(path) for path in paths)
    paths = sorted(paths, key=_is_document)  # stable: the order within each kind stays
    for number, path in enumerate(paths):
        size = sizes.get(path, 0)
        if chunk and (len(chunk) >= BATCH or held + size > CHUNK_BYTES or number == documents_from):
            chunks.append(chunk)
            chunk, held = [], 0
        chunk.append(path)
        held += size
    if chunk:
        chunks.append(chunk)
    return chunks


def _parse(
    paths: list[str],
    processes: int | None,
    should_stop: Callable[[], bool],
    ahead: int = BATCH,
    sizes: Mapping[str, int] | None = None,
    every_word_files: int | None = None,
    sketch: bool = True,
    team: str = "",
    common: Callable[[], tuple[str, ...]] = _none,
) -> Iterator[list[FileItems]]:
    """Batches of parsed files, in order; with worker processes, `ahead` files are kept parsing
    beyond what the workers hold, so they do not wait while a large transaction is written.
    After `every_word_files` files (a bulk load), the workers leave plain words to the index.
    Without `sketch`, the near-duplicate sketches are left to the library to make after the load.
    `common` gives a team library's common words as they are when a chunk is handed out."""
    workers = processes if processes is not None else min(2, os.cpu_count() or 1)
    sizes = sizes or {}
    if workers < 2 or len(paths) < PARALLEL_FROM:
        chunks = _chunks(paths, sizes)
        for chunk, words in zip(chunks, _every_word(chunks, 0, every_word_files), strict=True):
            if should_stop():
                return
            yield parse_files(chunk, words, should_stop, sketch, team, common())
        return
    # The first few files are parsed here while the worker processes start, so rows appear at once.
    paths = sorted(paths, key=_is_document)  # a document may take its whole budget: not among them
    head, rest = paths[:FIRST], paths[FIRST:]
    chunks = _chunks(rest, sizes)
    every_word = _every_word(chunks, len(head), every_word_files)
    budget.start_resource_tracker()
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=spawning.CONTEXT,  # "spawn", and Ctrl+C ignored from the workers' start
        initializer=_die_with_parent,
        initargs=(os.getpid(),),
    )
    finished = False
    try:
        pending: list[Future[list[FileItems]]] = []
        next_chunk = 0

        chunk_bytes = [sum(sizes.get(path, 0) for path in chunk) for chunk in chunks]

        def in_hand() -> int:
            """Bytes of files the workers hold: the chunks submitted and not yet taken back."""
            return sum(chunk_bytes[next_chunk - len(pending) : next_chunk])

        def refill() -> None:
            nonlocal next_chunk
            while next_chunk < len(chunks) and len(pending) < workers * 3 + ahead // BATCH:
                if pending and in_hand() >= PENDING_BYTES:
                    break  # large files: fewer in hand, so memory does not grow with them
                words = every_word[next_chunk]
                pending.append(
                    pool.submit(parse_files, chunks[next_chunk], words, None, sketch, team, common())
                )
                next_chunk += 1

        refill()
        yield parse_files(head, should_stop=should_stop, sketch=sketch, team=team, common=common())
        while pending:
            future = pending.pop(0)
            refill()
            result: list[FileItems] | None = None
            while result is None:  # a look at should_stop now and then: quitting never waits on a worker
                if should_stop():
                    return
                with suppress(TimeoutError):
                    result = future.result(timeout=budget.WAIT * 2)
            yield result
        finished = True
    finally:
        if not finished:
            # Stopped (quitting, Ctrl+C): the workers are ended, not waited for, whatever file they are on.
            for process in list(pool._processes.values()):
                with suppress(OSError, AttributeError):
                    process.kill()
        pool.shutdown(wait=finished, cancel_futures=True)


def _every_word(chunks: list[list[str]], before: int, every_word_files: int | None) -> list[bool]:
    """For each chunk, whether its texts are split into every word (parse_files)."""
    found: list[bool] = []
    for chunk in chunks:
        found.append(every_word_files is None or before < every_word_files)
        before += len(chunk)
    return found


def _die_with_parent(parent: int) -> None:
    """Runs first in each worker: it ends with kliping (budget.die_with_parent), and Ctrl+C is
    kliping's to handle, not a traceback from every worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    budget.die_with_parent(parent)


def _never() -> bool:
    return False


def bundled_seeds() -> Path:
    """The sample collection shipped with kliping, in a checkout or an installed package."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "seeds", here.parent / "seeds"):
        if candidate.is_dir():
            return candidate
    return here / "seeds"
