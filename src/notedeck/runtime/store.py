"""The build cache under ``OUT_DIR/.cache``: unchanged notes skip parse, extract and render.

Heavy users rebuild thousands of files after editing one; parsing and rendering them again is
most of a build.  Each note file gets one entry (``files/<key>``, marshal: plain tuples and
strings, fast to load, no code) named by a key that hashes everything its cards can depend on:
the cache format, notedeck's version and its own source files, the rendering libraries, the
build options, and what the reader derived for the file (path, book, chapter, options, text).
A hit gives back the file's cards and their rendered fields, so a cached build gives exactly
the cards an uncached one would.

GUIDs depend on every card of a book (clashes are numbered), so entries do not own them: the
last build's GUIDs and clash warnings are kept in ``guids`` (with each file's key and books) and
replayed only when every file's key is what it was then; otherwise ``assign_guids`` runs, and
reuses the GUIDs of the books whose files are all exactly as they were (``settled_books``).

Files whose cards reference local images or produced warnings are never cached: an image can
change (or appear) without the note changing, and warnings must be repeated on every build.
Anything unreadable in the cache is a miss, never an error; deleting the folder is always safe.

``BookState`` goes one step further for unchanged books: if a book's inputs (the keys of its
files) and its deck and manifest on disk are exactly as the last build left them, the book is
reported unchanged without loading its manifest or packaging it again.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import tempfile
from dataclasses import dataclass, fields, replace
from importlib.util import find_spec
from pathlib import Path

from notedeck import __version__
from notedeck.config import Config
from notedeck.model import BookResult, Card, RenderedCard, SourceFile, Warning_

CACHE_DIR = ".cache"
FORMAT = 1
GUIDS_FORMAT = 2  # (signature, rel → (key, books, GUIDs), warnings); 1 had rel → GUIDs
CARD_FIELDS = 11  # Card's fields before ``guid``, stored positionally (checked by a test)
_LIBRARIES = ("markdown_it", "mdit_py_plugins", "nh3", "pygments")


@dataclass(frozen=True)
class CachedFile:
    """A note's cards (with the last build's GUIDs, if any) and, aligned, their rendered fields."""

    cards: tuple[Card, ...]
    fields: tuple[
        tuple[str, str, str, str, tuple[str, ...]], ...
    ]  # front, back, context, source, media


class FileCache:
    """Per-file entries for one build: look up before parsing, record after rendering, then save."""

    def __init__(self, config: Config):
        self.root = config.out_dir / CACHE_DIR
        self.salt = build_salt(config)
        self.keys: dict[str, str | None] = {}  # rel → key of every file seen (None: not cacheable)
        self.pending: dict[str, list[tuple]] = {}  # rel → rows of files rendered this build
        self.expected: dict[str, int] = {}  # rel → cards extracted (an entry needs all of them)
        self.hits = 0
        self.order: list[str] = []  # rel of every file looked up, in build order
        self.last = _load_guids(self.root / "guids")  # see _load_guids
        self.settled: tuple | None = None

    def _path(self, key: str) -> Path:
        return self.root / "files" / key

    def lookup(self, source: SourceFile) -> CachedFile | None:
        """The cached cards of ``source``, or None (and remember to store them after rendering)."""
        key = file_key(self.salt, source)
        self.keys[source.rel] = key
        self.order.append(source.rel)
        try:
            version, rows = marshal.loads(self._path(key).read_bytes())
            if version != FORMAT:
                raise ValueError("old cache format")
            guids = _last_guids(self.last[1].get(source.rel), key, len(rows))
            # The last build's GUIDs are filled in already; replay() keeps them only if every
            # file is as it was then, otherwise assign_guids() sets every GUID afresh.
            entry = CachedFile(
                tuple(
                    Card(*row[:CARD_FIELDS], guid) for row, guid in zip(rows, guids, strict=True)
                ),
                tuple(row[CARD_FIELDS:] for row in rows),
            )
        except (OSError, ValueError, EOFError, TypeError, IndexError):
            self.pending[source.rel] = []
            return None
        self.hits += 1
        return entry

    def extracted(self, source: SourceFile, cards: list[Card]) -> None:
        """Note how many cards the file gave: its entry is written only if every one of them
        rendered (a card whose rendering failed must fail again next time, not vanish).  Cards
        that claim another file as their source would be stored under the wrong entry."""
        self.expected[source.rel] = len(cards)
        if any(card.source != source.rel for card in cards):
            self.failed(source.rel)

    def failed(self, rel: str) -> None:
        """A file that could not be parsed is never cached (its error must show every time)."""
        self.pending.pop(rel, None)
        self.keys[rel] = None

    def signature(self) -> str | None:
        """Identifies the whole card list: the key of every file, in order."""
        keys = [(rel, self.keys.get(rel)) for rel in self.order]
        if any(key is None for _, key in keys):
            return None
        return hashlib.sha256(repr(keys).encode("utf-8")).hexdigest()

    def replay(self, cards: list[Card]) -> tuple[list[Card], list[Warning_]] | None:
        """The cards with the last build's GUIDs and clash warnings, if every file is unchanged
        (assigning GUIDs is the largest cost of an unchanged rebuild)."""
        signature = self.signature()
        if self.pending or signature is None or signature != self.last[0]:
            return None
        if any(not card.guid for card in cards):
            return None
        try:
            warnings = [Warning_(*w) for w in self.last[2]]
        except TypeError:
            return None
        self.settled = self.last
        return cards, warnings

    def settled_books(self, cards: list[Card]) -> frozenset[str]:
        """Books whose cards are exactly those the last build gave GUIDs to: the same files, each
        with the key it had then, give them (none new, none gone, none changed).  Their cards
        hold those GUIDs already (``lookup``), so ``assign_guids`` need not work them out again.
        """
        now: dict[str, set[str]] = {}
        for card in cards:
            now.setdefault(card.book, set()).add(card.source)
        then: dict[str, set[str]] = {}
        for rel, (_, books, _) in self.last[1].items():
            for book in books:
                then.setdefault(book, set()).add(rel)
        return frozenset(
            book
            for book, rels in now.items()
            if rels == then.get(book) and all(self._as_then(rel) for rel in rels)
        )

    def _as_then(self, rel: str) -> bool:
        """The file's key (so its text, options and everything in the salt) is the one the
        last build read."""
        key = self.keys.get(rel)
        return key is not None and key == self.last[1][rel][0]

    def settle(self, cards: list[Card], warnings: list[Warning_]) -> None:
        """Remember the GUIDs just assigned, for the next build's replay()."""
        by_file: dict[str, tuple[list[str], set[str]]] = {}
        for card in cards:
            guids, books = by_file.setdefault(card.source, ([], set()))
            guids.append(card.guid)
            books.add(card.book)
        files = {
            rel: (self.keys.get(rel), tuple(sorted(books)), tuple(guids))
            for rel, (guids, books) in by_file.items()
        }
        found = tuple((w.message, w.source, w.line) for w in warnings)
        self.settled = (self.signature(), files, found)

    def rendered(self, result: RenderedCard, warnings: list[Warning_], media: dict) -> None:
        """Record one freshly rendered card for its file's entry."""
        rel = result.card.source
        if rel not in self.pending:
            return
        if warnings or media or result.media:
            self.failed(rel)
            return
        self.pending[rel].append(_row(result))

    def save(self) -> None:
        """Write the new entries and drop the entries no file used in this build."""
        folder = self.root / "files"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for rel, rows in self.pending.items():
                key = self.keys.get(rel)
                if key and len(rows) == self.expected.get(rel):
                    _write(self._path(key), marshal.dumps((FORMAT, rows)))
            if self.settled is not None and self.settled is not self.last and self.settled[0]:
                _write(self.root / "guids", marshal.dumps((GUIDS_FORMAT, *self.settled)))
            live = {key for key in self.keys.values() if key}
            for entry in os.scandir(folder):
                if entry.name not in live:
                    Path(entry.path).unlink(missing_ok=True)
        except OSError:
            pass  # the cache is an optimisation: a read-only or full disk must not fail the build


def _load_guids(path: Path) -> tuple:
    """(signature, rel → (key, books, GUIDs), warnings) of the last build, or an empty state."""
    try:
        version, signature, files, warnings = marshal.loads(path.read_bytes())
        if (
            version == GUIDS_FORMAT
            and isinstance(files, dict)
            and isinstance(warnings, tuple)
            and all(_file_guids(entry) for entry in files.values())
        ):
            return signature, files, warnings
    except (OSError, ValueError, EOFError, TypeError):
        pass
    return None, {}, ()


def _file_guids(entry) -> bool:
    """One file's (key, books, GUIDs), as ``settle`` writes it."""
    return (
        isinstance(entry, tuple)
        and len(entry) == 3
        and isinstance(entry[0], str | None)
        and isinstance(entry[1], tuple)
        and isinstance(entry[2], tuple)
    )


def _last_guids(entry: tuple | None, key: str, count: int) -> tuple[str, ...]:
    """The GUIDs the last build gave a file's cards, if it read the file as it is now."""
    if entry is None or entry[0] != key or len(entry[2]) != count:
        return ("",) * count
    return entry[2]


def build_salt(config: Config) -> str:
    """Everything besides a file's own text that its cards can depend on."""
    options = [
        (f.name, repr(getattr(config, f.name)))
        for f in fields(config)
        if f.name not in ("out_dir", "dry_run", "jobs")
    ]
    parts = [f"format {FORMAT}", __version__, repr(options), str(config.notes_dir.resolve())]
    parts += _code_fingerprint()
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


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
    digest.update(meta.encode("utf-8"))
    digest.update(b"\x00")
    digest.update(source.text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _row(result: RenderedCard) -> tuple:
    """Card fields in declaration order (minus the GUID), then the rendered fields."""
    card = result.card
    return (
        card.kind,
        card.question,
        card.answer,
        card.key,
        card.book,
        card.chapter,
        card.context,
        card.source,
        card.line,
        card.tags,
        card.note_type,
        result.front,
        result.back,
        result.context,
        result.source,
        result.media,
    )


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


# ---------------------------------------------------------------- unchanged books


class BookState:
    """What the last build left for each book, to report unchanged books without repackaging."""

    def __init__(self, config: Config, cache: FileCache):
        self.path = config.out_dir / CACHE_DIR / "books.json"
        self.cache = cache
        try:
            self.books: dict[str, dict] = json.loads(self.path.read_bytes())
            if not isinstance(self.books, dict):
                self.books = {}
        except (OSError, ValueError):
            self.books = {}
        self.dirty = False

    def digest(self, title: str, cards: list[RenderedCard]) -> str | None:
        """A book's inputs: the keys of its cards' files (None if one is not cached)."""
        parts = [self.cache.salt, title]
        for rel in sorted({r.card.source for r in cards}):
            key = self.cache.keys.get(rel)
            if not key:
                return None
            parts.append(f"{rel}\x1f{key}")
        return hashlib.sha256("\x1e".join(parts).encode("utf-8")).hexdigest()

    def reuse(
        self, title: str, slug: str, cards: list[RenderedCard], deck: Path, manifest: Path
    ) -> BookResult | None:
        """The result of an unchanged book, or None when it must be packaged."""
        state = self.books.get(slug)
        digest = self.digest(title, cards)
        if not isinstance(state, dict) or digest is None or state.get("digest") != digest:
            return None
        guids = state.get("guids")
        if (
            state.get("files") != [_stat(deck), _stat(manifest)]
            or not isinstance(guids, list)
            or len(guids) != len(cards)
        ):
            return None
        settled = tuple(
            r if r.card.guid == g else _with_guid(r, g) for r, g in zip(cards, guids, strict=True)
        )
        return BookResult(title, slug, settled, deck, written=False)

    def remember(self, title: str, result: BookResult, manifest: Path) -> None:
        """Record a book the build just packaged (or found up to date)."""
        digest = self.digest(title, list(result.cards))
        deck = result.deck_path
        if digest is None or deck is None or _stat(deck) is None or _stat(manifest) is None:
            self.books.pop(result.slug, None)
        else:
            self.books[result.slug] = {
                "digest": digest,
                "files": [_stat(deck), _stat(manifest)],
                "guids": [r.card.guid for r in result.cards],
            }
        self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _write(self.path, json.dumps(self.books, separators=(",", ":")).encode())
        except OSError:
            pass


def _stat(path: Path) -> list[int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns, stat.st_ino]


def _with_guid(rendered: RenderedCard, guid: str) -> RenderedCard:
    return replace(rendered, card=replace(rendered.card, guid=guid))
