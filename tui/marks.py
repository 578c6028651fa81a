"""Read and starred marks, tags and notes by article key, kept in step with the reading state stored
by content digest."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Literal

from tui.article import carried_marks, tag_name
from tui.i18n import _
from tui.library import Row
from tui.query import Query
from tui.state import Shared, StateLike
from tui.text import fold_words

Mark = Literal["read", "starred"]
Write = Callable[[Callable[[], object]], None]  # runs a state write now, or queues it for a thread


def _now(write: Callable[[], object]) -> None:
    write()


class Marks:
    """The list and the search work with keys; the state file works with digests; this maps between."""

    def __init__(self, state: StateLike, write: Write = _now) -> None:
        self.state = state
        self._write = write  # the app passes a queue, so the event loop never waits on SQLite
        self._digests: dict[Mark, set[str]] = {"read": state.read(), "starred": state.starred()}
        self.keys: dict[Mark, set[int]] = {"read": set(), "starred": set()}
        self._keys_of: dict[str, list[int]] = {}
        self.total = 0
        # Tags: the file's own (on its rows), changed by the user's choices (True added, False taken away).
        self._chosen: dict[str, dict[str, bool]] = state.tags()
        self._file_tags: dict[str, tuple[str, ...]] = {}  # by digest, for rows that have any
        self.tag_keys: dict[str, set[int]] = {}
        self._notes: dict[str, str] = state.notes()  # this person's own
        # A team library's (tui.library.pg_people): who set each tag, and the others' notes.
        shared = state.shared_now()
        self._tag_authors = shared.tag_authors
        self._others = shared.others
        self._imported: set[str] = state.imported()
        self.told: Callable[[str], object] | None = None  # hears what a write found (another window's note)

    # -- tags ---------------------------------------------------------------------------------

    def _tags(self, digest: str, own: tuple[str, ...]) -> list[str]:
        chosen = self._chosen.get(digest)
        if not chosen:
            return list(own)
        tags = [tag for tag in own if chosen.get(tag, True)]
        tags += sorted(tag for tag, present in chosen.items() if present and tag not in own)
        return tags

    def tags_of(self, row: Row) -> list[str]:
        """The article's tags: its file's own, less those the user took away, and those added."""
        return self._tags(row.digest, row.tags)

    def tags_of_digest(self, digest: str, own: tuple[str, ...] = ()) -> list[str]:
        return self._tags(digest, own or self._file_tags.get(digest, ()))

    def tag_author(self, digest: str, tag: str) -> str | None:
        """Who of the team set the tag on the article (None: its file's, or one person's library)."""
        return self._tag_authors.get(digest, {}).get(tag)

    def tag_label(self, digest: str, tag: str) -> str:
        """The tag as the reader shows it: with who set it, in a team library."""
        author = self.tag_author(digest, tag)
        return f"{tag} ({author})" if author else tag

    def tag_counts(self) -> dict[str, int]:
        """Every tag in use and how many loaded articles have it, for the palette's list of tags."""
        return {tag: len(keys) for tag, keys in sorted(self.tag_keys.items()) if keys}

    def _index(self, digest: str, keys: Iterable[int], tags: Iterable[str], add: bool) -> None:
        for tag in tags:
            if add:
                self.tag_keys.setdefault(tag, set()).update(keys)
            elif tag in self.tag_keys:
                self.tag_keys[tag].difference_update(keys)
                if not self.tag_keys[tag]:
                    del self.tag_keys[tag]

    def set_tag(self, row: Row, tag: str, present: bool) -> bool:
        """Add or take away a tag on an article and its copies; False when it already was so."""
        choice = self._choose_tag(row, tag_name(tag), present)
        if choice is None:
            return False
        state = self.state
        self._write(lambda: state.set_tag(*choice))
        return True

    def set_tag_many(self, rows: Iterable[Row], tag: str, present: bool) -> list[Row]:
        """Add or take away a tag on many articles in one write; the rows whose tags changed."""
        tag = tag_name(tag)
        changed: list[Row] = []
        choices: list[tuple[str, str, bool | None]] = []
        for row in rows:
            choice = self._choose_tag(row, tag, present)
            if choice is not None:
                changed.append(row)
                choices.append(choice)
        if choices:
            state = self.state
            self._write(lambda: state.set_tags(choices))
        return changed

    def _choose_tag(self, row: Row, tag: str, present: bool) -> tuple[str, str, bool | None] | None:
        """Change the tag in memory; the state's (digest, tag, choice) to write, or None if unchanged."""
        if not tag:
            return None
        digest = row.digest
        before = self.tags_of(row)
        if (tag in before) == present:
            return None
        keys = self._keys_of.get(digest, [row.key])
        self._index(digest, keys, before, add=False)
        chosen = self._chosen.setdefault(digest, {})
        own = tag in row.tags
        value: bool | None = None if own == present else present  # back to the file's say: forget
        if value is None:
            chosen.pop(tag, None)
        else:
            chosen[tag] = value
        if self.state.person is not None:
            self._tag_authors.setdefault(digest, {})[tag] = self.state.person
        if not chosen:
            del self._chosen[digest]
        self._index(digest, keys, self.tags_of(row), add=True)
        return digest, tag, value

    # -- notes --------------------------------------------------------------------------------

    def note(self, digest: str) -> str:
        return self._notes.get(digest, "")

    def has_note(self, digest: str) -> bool:
        return digest in self._notes or digest in self._others

    def notes_shown(self, digest: str) -> list[tuple[str | None, str]]:
        """Every note on the article with its author: this person's first (author None in one
        person's library, where the note is simply theirs), then the team's others."""
        mine = self._notes.get(digest)
        first: list[tuple[str | None, str]] = [(self.state.person, mine)] if mine else []
        return first + list(self._others.get(digest, ()))

    def take_shared(self, shared: Shared) -> None:
        """The team's tags and notes as the server has them now (someone else changed them): the
        tag index follows, as when this person tags."""
        for digest in set(self._chosen) | set(shared.tags):
            if self._chosen.get(digest) == shared.tags.get(digest):
                continue
            own = self._file_tags.get(digest, ())
            keys = self._keys_of.get(digest, [])
            self._index(digest, keys, self._tags(digest, own), add=False)
            if digest in shared.tags:
                self._chosen[digest] = dict(shared.tags[digest])
            else:
                del self._chosen[digest]
            self._index(digest, keys, self._tags(digest, own), add=True)
        self._tag_authors = shared.tag_authors
        self._notes = dict(shared.notes)
        self._others = shared.others

    def set_note(self, row: Row, note: str) -> None:
        """Keep (or with empty text, delete) the user's note on an article and its copies.

        The state file compares the note with the one this window showed: when another window
        saved one meanwhile, both are kept and `told` hears it (see ReadingState.set_note).
        """
        note = note.strip()
        was = self._notes.get(row.digest, "")
        if note == was:
            return
        if note:
            self._notes[row.digest] = note
        else:
            self._notes.pop(row.digest, None)
        state, digest, title = self.state, row.digest, row.title

        def save() -> None:
            kept = state.set_note(digest, note, was=was)
            if kept == note:
                return
            if self._notes.get(digest, "") == note:  # not changed again here meanwhile
                if kept:
                    self._notes[digest] = kept
                else:
                    self._notes.pop(digest, None)
            if self.told is not None:
                self.told(
                    _(
                        "The note on “{title}” was changed in another window meanwhile: both texts "
                        "are kept in it, the other window's first."
                    ).format(title=title)
                )

        self._write(save)

    def add_rows(self, rows: Iterable[Row]) -> None:
        carried: list[tuple[str, bool, bool, str]] = []
        tag_keys = self.tag_keys
        # Most rows carry no mark: one look in all marks' digests, not one per mark (100k rows
        # come in at startup, on the event loop: 135 -> 70 ms).
        marked: set[str] = set().union(*self._digests.values())
        for row in rows:
            if row.carried and row.digest not in self._imported:
                carried.append(self._take_in(row))
                marked.add(row.digest)  # its export's marks, taken in just now
            self.total += 1
            self._keys_of.setdefault(row.digest, []).append(row.key)
            if row.digest in marked:
                for mark, digests in self._digests.items():
                    if row.digest in digests:
                        self.keys[mark].add(row.key)
            if row.digest in self._chosen:
                self._index(row.digest, (row.key,), self.tags_of(row), add=True)
            elif row.tags:
                for tag in row.tags:  # the common case, inline: 100k rows come in at startup
                    tagged = tag_keys.get(tag)
                    if tagged is None:
                        tag_keys[tag] = {row.key}
                    else:
                        tagged.add(row.key)
            if row.tags:
                self._file_tags[row.digest] = row.tags
        if carried:
            state = self.state
            self._write(lambda: state.take_in(carried))

    def _take_in(self, row: Row) -> tuple[str, bool, bool, str]:
        """An export's read and starred marks and note, the first time its article is seen."""
        digest = row.digest
        self._imported.add(digest)
        read, starred, note = carried_marks(row.carried)
        if read:
            self._digests["read"].add(digest)
        if starred:
            self._digests["starred"].add(digest)
        if note and digest not in self._notes:
            self._notes[digest] = note
        return digest, read, starred, note

    def remove_rows(self, rows: Iterable[Row]) -> None:
        for row in rows:
            self.total -= 1
            keys = self._keys_of.get(row.digest)
            if keys is not None and row.key in keys:
                keys.remove(row.key)
                if not keys:
                    del self._keys_of[row.digest]
            for marked in self.keys.values():
                marked.discard(row.key)
            if row.tags or row.digest in self._chosen:
                self._index(row.digest, (row.key,), self.tags_of(row), add=False)

    def follow(self, old: Row, new: Row) -> None:
        """The article at `old`'s path was edited and came back as `new`: its marks go with it.

        Call it after `old` was removed and before `new` is added, so `add_rows` finds the marks.
        """
        if old.digest == new.digest:
            return
        state, keep_old = self.state, bool(self._keys_of.get(old.digest))
        for digests in self._digests.values():
            if old.digest in digests:
                digests.add(new.digest)
                if not keep_old:
                    digests.discard(old.digest)
        chosen = self._chosen.get(old.digest)
        if chosen:
            mine = self._chosen.setdefault(new.digest, {})
            for tag, present in chosen.items():
                mine.setdefault(tag, present)
            if not keep_old:
                del self._chosen[old.digest]
        if old.digest in self._notes:
            self._notes.setdefault(new.digest, self._notes[old.digest])
            if not keep_old:
                del self._notes[old.digest]
        # Always written, marked or not: the reading position lives only in the state file.
        self._write(lambda: state.follow(old.digest, new.digest, keep_old=keep_old))

    def marked(self, mark: Mark, digest: str) -> bool:
        """Whether an article's content is marked, for an export that has articles, not keys."""
        return digest in self._digests[mark]

    def has(self, mark: Mark, key: int) -> bool:
        return key in self.keys[mark]

    def put(self, mark: Mark, row: Row, value: bool) -> None:
        """Mark or unmark an article, and every copy of it (same content, another path)."""
        if (row.digest in self._digests[mark]) == value:
            return
        state, digest = self.state, row.digest
        if mark == "read":
            self._write(lambda: state.set_read(digest, value))
        else:
            self._write(lambda: state.set_starred(digest, value))
        keys = self._keys_of.get(row.digest, [row.key])
        if value:
            self._digests[mark].add(row.digest)
            self.keys[mark].update(keys)
        else:
            self._digests[mark].discard(row.digest)
            self.keys[mark].difference_update(keys)

    def put_many(self, mark: Mark, rows: Iterable[Row], value: bool) -> list[Row]:
        """Mark or unmark many articles in one write; the rows that changed (one per content)."""
        changed: dict[str, Row] = {}
        digests = self._digests[mark]
        for row in rows:
            if (row.digest in digests) != value and row.digest not in changed:
                changed[row.digest] = row
        for digest, row in changed.items():
            keys = self._keys_of.get(digest, [row.key])
            if value:
                digests.add(digest)
                self.keys[mark].update(keys)
            else:
                digests.discard(digest)
                self.keys[mark].difference_update(keys)
        if changed:
            state, chosen = self.state, list(changed)
            self._write(lambda: state.set_many(mark, chosen, value))
        return list(changed.values())

    def toggle(self, mark: Mark, row: Row) -> bool:
        value = row.digest not in self._digests[mark]
        self.put(mark, row, value)
        return value

    def flags(self, query: Query | None = None) -> dict[str, set[int]]:
        """Copies for a search running in another thread while the user goes on marking, with the
        key sets of the query's tags and notes (tag:banjir, note:word, has:note)."""
        found: dict[str, set[int]] = {"read": set(self.keys["read"]), "starred": set(self.keys["starred"])}
        if query is not None:
            for flag in query.flag_names:
                if ":" in flag:
                    found[flag] = self._flag_keys(flag)
        return found

    def _flag_keys(self, flag: str) -> set[int]:
        # Searches call this on their own thread while the loader may add rows: each dict is
        # copied in one step (list() of its items holds the GIL) before it is walked.
        name, _colon, value = flag.partition(":")
        keys: set[int] = set()
        if name == "tag":
            prefix = value.endswith("*")
            wanted = value.rstrip("*")
            for tag, tagged in list(self.tag_keys.items()):
                folded = " ".join(fold_words(tag))
                if folded == wanted or (prefix and folded.startswith(wanted)):
                    keys |= tagged
        elif name == "has" and value == "tag":
            for tagged in list(self.tag_keys.values()):
                keys |= tagged
        elif name in ("has", "note"):
            needle = " " + value
            for digest, note in list(self._notes.items()):
                if name == "has" or needle in " " + " ".join(fold_words(note)):
                    keys.update(self._keys_of.get(digest, ()))
            for digest, notes in list(self._others.items()):
                if name == "has" or any(needle in " " + " ".join(fold_words(n)) for _a, n in notes):
                    keys.update(self._keys_of.get(digest, ()))
        return keys

    @property
    def unread(self) -> int:
        return self.total - len(self.keys["read"])

    @property
    def starred(self) -> int:
        return len(self.keys["starred"])
