"""The build cache under ``OUT_DIR/.cache``: a store that memoises whole stage results.

Heavy users rebuild thousands of files after editing one; processing them again is most of a
build.  The store wraps three stages and never lives inside them (stage code has no cache in
it):

* **reading** — ``reader`` wraps ``read_note`` with the read index (``runtime.index``): a note
  whose file has the stat of the last build is not opened; what the reader derived comes back
  with the note's key.
* **notes** — ``split`` decides up front which notes are outdated (Sphinx-style): a note's key
  hashes everything its ``NoteResult`` can depend on (the cache format, notedeck's version and
  its own source files, the rendering libraries, the build options, and everything the reader
  derived for the file: path, book, chapter, options, text).  A hit is the whole stored result —
  cards, rendered fields and the warnings they gave, which are replayed — so a cached build
  gives exactly what an uncached one would.  The media files a result packs are stored with
  their size and mtime and checked on every build (an edited diagram is a miss); a result
  with an image that did not resolve is stored with the list of the vault's media files and is
  a miss once that list changes (the image may have appeared; a file in a folder the build
  skips, such as a hidden one, is not on the list); notes that failed are never stored.
* **books** — a book whose notes all have the keys of the last build, and whose deck and manifest
  are exactly as that build left them, gets its GUIDs, its warnings and its (unchanged) result
  back without loading the manifest, numbering or packaging again.

* **a whole build** — ``replay`` gives back the report of a build in which nothing changed
  (every note known to the read index by its key, media files, decks and manifests as left)
  from one small record, without opening the pack; the books' cards are decoded only if read
  (``runtime.replay``).

Entries are ``marshal`` data (``runtime.entries``: plain tuples and strings), packed in one
file (``runtime.pack``) so a build opens one cache file, not one per note.  Anything
unreadable in the cache is a miss, never an error; deleting the folder is always safe.
``NullStore`` (dry runs, commands that need parse trees) has the same interface and stores
nothing.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, fields
from importlib.util import find_spec
from pathlib import Path

from notedeck import __version__
from notedeck.config import Config
from notedeck.model import BookResult, NoteResult, Problem, RenderedCard, SourceFile
from notedeck.runtime.entries import (
    FORMAT,
    collector_paused,
    load_note,
    media_rows,
    note_rows,
    stat_of,
    stored_book,
)
from notedeck.runtime.index import FolderBook, Reader, ReadIndex, problem_row
from notedeck.runtime.pack import Pack
from notedeck.runtime.replay import RECORD_NAME, record, replay

CACHE_DIR = ".cache"
PACK_NAME = "pack"  # runtime.pack: every note's entry
LEGACY_FOLDER = "files"  # notedeck ≤ 0.4 kept one file per entry here
INDEX_NAME = "read-index"  # runtime.index: what the reader derived, by each file's stat
FAILED_KEY = "\x00failed"  # in books.json beside the titles (a title has no control character)
_LIBRARIES = ("markdown_it", "mdit_py_plugins", "nh3", "pygments")


@dataclass(frozen=True)
class StoredBook:
    """A book as the last build left it: its cards (with their GUIDs; None where a card was
    merged into its exact twin), warnings and result."""

    cards: tuple[RenderedCard | None, ...]
    problems: tuple[Problem, ...]
    result: BookResult


class Store:
    """The cache of one build: ``split`` notes, ``keep`` fresh results, ``book`` lookups and
    ``remember_book`` after writing, then ``save``."""

    def __init__(self, config: Config):
        self.root = config.out_dir / CACHE_DIR
        self.salt = build_salt(config)
        self.keys: dict[str, str | None] = {}  # rel → key of every note (None: not stored)
        self.media: dict[str, list[tuple]] = {}  # rel → its media files' rows, as packed
        self.listing = ""  # Reading.media_listing: what a note with a missing image depends on
        self.missing: set[str] = set()  # notes with a missing image
        self.fresh: dict[str, NoteResult] = {}  # rel → results of this build to store
        self.index: ReadIndex | None = None  # set by ``reader``
        self.pack: Pack | None = None  # loaded by ``split``
        self.hits = 0
        self.books_path = self.root / "books.json"
        self.books = _load_json(self.books_path)
        self.books_changed = False
        self.books_reused: list[str] = []  # titles given back by ``book`` this build
        self.guids: dict[int, str] = {}  # id(card of a fresh result) → the GUID it was given
        self.replayed = False  # ``replay`` gave the whole build back: nothing to save
        self.record: bytes | None = None  # set by ``remember_build``

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        if exc[0] is None:
            self.save()

    # ------------------------------------------------------------ notes

    def reader(self, read: Reader, folder_book: FolderBook) -> Reader:
        """``read`` (``read_note``) wrapped by the read index: a note whose file did not change
        is not read again (``runtime.index``)."""
        try:
            data = (self.root / INDEX_NAME).read_bytes()
        except OSError:
            data = None
        self.index = ReadIndex(data, self.salt, read, folder_book)
        return self.index.read

    def split(
        self, sources: Sequence[SourceFile]
    ) -> tuple[dict[str, NoteResult], list[SourceFile]]:
        """(stored results of the notes that did not change, the notes to process)."""
        stored, outdated = {}, []
        known = self.index.known if self.index else {}
        if self.pack is None:
            self.pack = Pack(self.root / PACK_NAME, self.salt)
        with collector_paused():
            self._split(sources, known, stored, outdated)
        self.hits += len(stored)
        return stored, outdated

    def _split(self, sources, known, stored, outdated) -> None:
        for source in sources:
            key = known.get(source.rel) or file_key(self.salt, source)
            self.keys[source.rel] = key
            loaded = load_note(self.pack.get(key), source.rel, self.listing)
            if loaded is None:
                if source.rel in known:  # read without its text, and its result is gone
                    source = self.index.text_of(source)
                    self.keys[source.rel] = file_key(self.salt, source)
                outdated.append(source)
            else:
                stored[source.rel], self.media[source.rel] = loaded
                if loaded[0].missing_media:
                    self.missing.add(source.rel)

    def keep(self, result: NoteResult) -> NoteResult:
        """Record a freshly processed note for saving (if its result is the note's alone)."""
        media = media_rows(result) if result.media else []
        if result.cacheable and not result.failed and media is not None:
            self.fresh[result.rel] = result
            self.media[result.rel] = media
            if result.missing_media:
                self.missing.add(result.rel)
        else:
            self.keys[result.rel] = None
        return result

    # ------------------------------------------------------------ a whole build

    def replay(self, rels: list[str], files_of, failed: Sequence[str]):
        """The last build's books and problems if nothing changed since (``runtime.replay``;
        the same files failed to read), else None: the usual path (``split``, ``book``) runs."""
        if not self.may_reuse_books(failed):
            return None
        try:
            data = (self.root / RECORD_NAME).read_bytes()
        except OSError:
            return None
        known = self.index.known if self.index else {}
        pack = self.root / PACK_NAME
        found = replay(data, self.salt, self.listing, rels, known, self.books, pack, files_of)
        self.replayed = found is not None
        return found

    def remember_build(self, notes: Sequence[NoteResult], results: Sequence[BookResult]):
        """Record a build that wrote (or kept) every book, for the next one to replay."""
        found = record(self.salt, self.listing, notes, self.keys, self.media, self.books, results)
        self.record = found

    # ------------------------------------------------------------ books

    def book(self, title: str, cards: Sequence[RenderedCard], deck: Path, manifest: Path):
        """The book as the last build left it, if nothing it depends on changed, else None."""
        digest = self._book_digest(title, cards)
        stored = stored_book(self.books.get(title), digest, deck, manifest)
        if stored is None or len(stored[0]) != len(cards):
            return None
        guids, found = stored
        aligned = tuple(r.with_guid(g) if g else None for r, g in zip(cards, guids, strict=True))
        kept = tuple(r for r in aligned if r)
        self.books_reused.append(title)
        slug = deck.name.removesuffix(".apkg")
        return StoredBook(aligned, found, BookResult(title, slug, kept, deck, written=False))

    def remember_book(self, book, deck: Path, manifest: Path) -> None:
        """Record a book this build numbered and wrote (or found up to date): ``book`` has its
        ``title``, ``inputs``, ``aligned`` (numbered, None where merged) and ``problems``."""
        digest = self._book_digest(book.title, book.inputs)
        files = [stat_of(deck), stat_of(manifest)]
        for given, numbered in zip(book.inputs, book.aligned, strict=True):
            if numbered is not None:  # stored with the note: the next build's cards have it
                self.guids[id(given)] = numbered.card.guid
        if digest is None or None in files:
            self.books.pop(book.title, None)
        else:
            self.books[book.title] = {
                "digest": digest,
                "files": files,
                "guids": [r.card.guid if r else None for r in book.aligned],
                "problems": [list(problem_row(p)) for p in book.problems],
            }
        self.books_changed = True

    def may_reuse_books(self, failed: Sequence[str]) -> bool:
        """Books may be replayed when the same notes fail as in the last build (usually none):
        a failed note's cards are carried over from that build's deck, which is on disk as it
        left it (checked by ``book``); a note failing or recovering changes the carried cards."""
        return self.books.get(FAILED_KEY, []) == sorted(failed)

    def remember_failed(self, failed: Sequence[str]) -> None:
        if self.books.get(FAILED_KEY, []) != sorted(failed):
            self.books[FAILED_KEY] = sorted(failed)
            self.books_changed = True

    def _book_digest(self, title: str, cards: Sequence[RenderedCard]) -> str | None:
        """A book's inputs: the keys of its cards' notes and the stats of the media files they
        pack (None if a note is not stored)."""
        parts = [self.salt, title]
        for rel in sorted({r.card.source for r in cards}):
            key = self.keys.get(rel)
            if not key:
                return None
            media = self.media.get(rel, [])
            listing = self.listing if rel in self.missing else ""  # the image may appear
            parts.append(f"{rel}\x1f{key}\x1f{media!r}\x1f{listing}")
        return hashlib.sha256("\x1e".join(parts).encode("utf-8", "surrogatepass")).hexdigest()

    # ------------------------------------------------------------ saving

    def save(self) -> None:
        """Write the pack of this build's entries (new ones and the stored ones still used;
        an entry no note used is dropped), the read index, the books and the replay record."""
        if self.replayed:
            return  # nothing changed, and every file is as the replayed build left it
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            self._save_pack()
            index = self.index.dump(self.keys) if self.index else None
            if index is not None:
                _write(self.root / INDEX_NAME, index)
            if self.books_changed:
                text = json.dumps(self.books, separators=(",", ":"), ensure_ascii=False)
                _write(self.books_path, text.encode("utf-8", "surrogatepass"))
            if self.record is None:
                (self.root / RECORD_NAME).unlink(missing_ok=True)
            else:
                _write(self.root / RECORD_NAME, self.record)
            (self.root / "guids").unlink(missing_ok=True)  # the cache of notedeck ≤ 0.1's builds
            shutil.rmtree(self.root / LEGACY_FOLDER, ignore_errors=True)
        except OSError:
            pass  # the cache is an optimisation: a read-only or full disk must not fail the build

    def _save_pack(self) -> None:
        pack = self.pack or Pack(self.root / PACK_NAME, self.salt)
        if not self.fresh and {key for key in self.keys.values() if key} == pack.keys():
            return  # a no-change build: the pack holds exactly this build's entries
        entries: dict[str, bytes | memoryview] = {}
        for rel, key in self.keys.items():
            result = self.fresh.get(rel)
            if key and result is not None:
                listing = self.listing if result.missing_media else None
                rows = (FORMAT, *note_rows(result, self.guids), self.media.get(rel, []), listing)
                entries[key] = marshal.dumps(rows)
            elif key and key in pack:
                entries[key] = pack.get(key)
        pack.write(entries)


class NullStore(Store):
    """A store that stores nothing (dry runs; preview and check, which need parse trees)."""

    def __init__(self, config: Config | None = None):
        self.keys, self.fresh, self.hits, self.books, self.books_reused = {}, {}, 0, {}, []
        self.media, self.missing, self.listing, self.index = {}, set(), "", None

    def reader(self, read, folder_book):
        return read

    def split(self, sources):
        return {}, list(sources)

    def keep(self, result):
        return result

    def book(self, title, cards, deck, manifest):
        return None

    def replay(self, rels, files_of, failed):
        return None

    def remember_build(self, notes, results) -> None:
        pass

    def remember_book(self, book, deck, manifest) -> None:
        pass

    def may_reuse_books(self, failed) -> bool:
        return False

    def remember_failed(self, failed) -> None:
        pass

    def save(self) -> None:
        pass


# ---------------------------------------------------------------- keys


def build_salt(config: Config) -> str:
    """Everything besides a file's own text that its cards can depend on."""
    options = [
        (f.name, repr(getattr(config, f.name)))
        for f in fields(config)
        if f.name not in ("out_dir", "dry_run", "jobs")
    ]
    parts = [f"format {FORMAT}", __version__, repr(options), str(config.notes_dir.resolve())]
    parts += _code_fingerprint()
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _code_fingerprint() -> list[str]:
    """Size and mtime of notedeck's modules and the renderers' packages: a new version or a local
    edit to the rules invalidates the cache even when ``__version__`` was not bumped."""
    out = []
    package = Path(__file__).resolve().parent.parent  # the whole notedeck package
    for path in sorted(package.rglob("*.py")):
        stat = path.stat()
        out.append(f"{path.relative_to(package)}:{stat.st_size}:{stat.st_mtime_ns}")
    for name in _LIBRARIES:
        spec = find_spec(name)
        origin = Path(spec.origin) if spec and spec.origin else None
        if origin and origin.exists():
            stat = origin.stat()
            out.append(f"{name}:{origin}:{stat.st_size}:{stat.st_mtime_ns}")
        else:
            out.append(f"{name}:missing")
    return out


def file_key(salt: str, source: SourceFile) -> str:
    """Every field the reader derived (rel, book, chapter, options, … and any field added later),
    the text last; ``path`` is covered by the notes folder in the salt plus ``rel``."""
    meta = repr(
        [
            (f.name, getattr(source, f.name))
            for f in fields(source)
            if f.name not in ("path", "text")
        ]
    )
    digest = hashlib.sha256(salt.encode())
    digest.update(meta.encode("utf-8", "surrogatepass"))
    digest.update(b"\x00")
    digest.update(source.text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _load_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write(path: Path, data: bytes) -> None:
    """Temp file + rename (no fsync: a torn entry only reads back as a miss)."""
    fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
