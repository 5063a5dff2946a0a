"""The read index: a note whose file did not change is not read, decoded or parsed for its front
matter again — the stat-cache idea of git's index, around the read stage.

A no-change rebuild of a big vault spent most of its time reading every note (bytes, decode,
YAML front matter) only to hash the text and find the stored result.  The index keeps, per note,
the file's ``stat`` (size, mtime, ctime, inode), the book its ``book.yaml`` folders give, what
the reader derived (the ``SourceFile`` less its text), the warnings it gave, the skip rule, and
the note's cache key.  When all of those match, the reader's result comes back without the file
being opened; the store then finds the note's result under the remembered key.  The text is read
only if that result is gone (``text_of``).

It is right because everything ``read_note`` depends on is in the entry's key: the file (its
stat; ctime changes with any write, even one that restores the mtime), the book of its folder
(read from ``book.yaml`` as before: cheap, once per folder), and the settings and notedeck's own
code (the store's salt: a new salt drops the whole index).  A file written within two seconds
of the build is never indexed, so an edit in the same clock tick as the read (git's "racy"
case) is always read again.  The store owns the index (``Store.reader``) and writes it with its
entries; a torn or foreign file reads as empty.
"""

from __future__ import annotations

import marshal
import os
import time
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path

from notedeck.config import Config
from notedeck.errors import NotedeckError
from notedeck.model import FileOptions, Problem, SourceFile
from notedeck.text.paths import rel_path

FORMAT = 1
RACY_NS = 2_000_000_000  # files younger than this at the build's start are always read
_SOURCE_FIELDS = tuple(f.name for f in fields(SourceFile) if f.name not in ("path", "rel", "text"))

Reader = Callable[..., tuple[SourceFile, list[Problem], str | None]]
FolderBook = Callable[[Path, Config, dict], object]


class ReadIndex:
    """Memoises ``read_note`` by the file's stat; ``known`` maps each note given back without
    its text to its cache key."""

    def __init__(self, data: bytes | None, salt: str, read: Reader, folder_book: FolderBook):
        self.salt, self._read, self._folder_book = salt, read, folder_book
        self.config: Config | None = None
        self.started = time.time_ns()
        self.entries = _load(data, salt)
        self.seen: dict[str, tuple] = {}  # rel → (entry key, reader's result rows) this build
        self.known: dict[str, str] = {}  # rel → cache key of a note returned without its text
        self.books: dict[str, str] = {}  # folder → the book its notes get (repr), this build
        self.changed = False

    def read(self, path: Path, config: Config, book_files: dict):
        """``read_note(path, config, book_files)``, from the index when the file is as it was."""
        try:
            stat = os.stat(path)
            folder = os.path.dirname(path)
            book = self.books.get(folder)
            if book is None:
                book = self.books[folder] = repr(self._folder_book(path.parent, config, book_files))
        except (OSError, NotedeckError):
            return self._read(path, config, book_files)  # let the reader report it
        self.config = config
        rel = rel_path(path, config.notes_dir)
        key = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, book)
        entry = self.entries.get(rel)
        # A note is given back without its text only with the key its result is stored under;
        # a skipped file (a rule in its rows) needs none.
        if entry is not None and tuple(entry[0]) == key and (entry[2] or entry[1][2]):
            try:
                source, problems, rule = _result(path, rel, entry[1])
            except (TypeError, ValueError, IndexError):
                pass
            else:
                self.seen[rel] = tuple(entry)
                if entry[2]:
                    self.known[rel] = entry[2]
                return source, problems, rule
        source, problems, rule = self._read(path, config, book_files)
        if self.started - max(stat.st_mtime_ns, stat.st_ctime_ns) > RACY_NS:
            self.seen[rel] = (key, _rows(source, problems, rule), "")
        self.changed = True
        return source, problems, rule

    def text_of(self, source: SourceFile) -> SourceFile:
        """The full note, for one the index gave back without its text (its stored result
        turned out to be gone)."""
        if self.known.pop(source.rel, None) is None or self.config is None:
            return source
        return self._read(source.path, self.config, {})[0]

    def dump(self, keys: dict[str, str | None]) -> bytes | None:
        """The index of this build's notes with their cache keys (``keys``: rel → key, None for
        a note whose result is not stored), or None when it is as it was loaded."""
        seen = self.seen
        if (
            not self.changed
            and seen.keys() == self.entries.keys()
            and all((keys.get(rel) or "") == entry[2] for rel, entry in seen.items())
        ):
            return None
        entries = {rel: (key, rows, keys.get(rel) or "") for rel, (key, rows, _) in seen.items()}
        return marshal.dumps((FORMAT, self.salt, entries))


def _rows(source: SourceFile, problems: list[Problem], rule: str | None) -> tuple:
    values = []
    for name in _SOURCE_FIELDS:
        value = getattr(source, name)
        if isinstance(value, FileOptions):
            value = tuple(getattr(value, f.name) for f in fields(FileOptions))
        values.append(value)
    return tuple(values), tuple(problem_row(p) for p in problems), rule


def problem_row(p: Problem) -> tuple:
    """A Problem as plain data (the store's entries and books, this index); ``Problem(*row)``."""
    return (p.source, p.line, p.severity, p.code, p.message)


def _result(path: Path, rel: str, rows) -> tuple[SourceFile, list[Problem], str | None]:
    values, problems, rule = rows
    given = {}
    for name, value in zip(_SOURCE_FIELDS, values, strict=True):
        given[name] = FileOptions(*value) if name == "options" else value
    source = SourceFile(path=path, rel=rel, text="", **given)
    return source, [Problem(*p) for p in problems], rule


def _load(data: bytes | None, salt: str) -> dict:
    if not data:
        return {}
    try:
        version, stored_salt, entries = marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        return {}
    if version != FORMAT or stored_salt != salt or not isinstance(entries, dict):
        return {}
    return entries
