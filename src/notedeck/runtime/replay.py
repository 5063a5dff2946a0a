"""A no-change rebuild, replayed from one small record instead of the pack.

A build whose note files all have the stat of the last build, whose media files and decks are
as that build left them, reports exactly what that build reported.  The store could already
give every note and book back, but only by decoding every stored card: at 100,000 cards that
decoding (and the memory it takes) was most of a no-change rebuild, to print a line per book.
The record (``OUT_DIR/.cache/replay``, ``marshal`` data) holds what the report needs: each
note's key, media rows and warnings in note order, each book's card count by kind, its notes
and the digest its ``books.json`` state was written with.  A replayed book's cards come back
lazily (``StoredCards``), decoded from the pack only when a caller reads them (``sync`` does;
the build's summary does not).  Any doubt — a note, a media file, a deck or the record itself
not as it was — is no replay, and the store's usual path runs.
"""

from __future__ import annotations

import marshal
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from notedeck.errors import OutputError
from notedeck.model import BookResult, NoteResult, Problem, RenderedCard
from notedeck.runtime.entries import (
    card_of_row,
    collector_paused,
    media_unchanged,
    stored_book,
)
from notedeck.runtime.index import problem_row
from notedeck.runtime.pack import Pack

RECORD_NAME = "replay"
RECORD_FORMAT = 1


class StoredCards(Sequence[RenderedCard]):
    """A replayed book's cards, in note order with their GUIDs: counted without decoding;
    decoded from the pack on first use (what ``Store.book`` would have given)."""

    def __init__(self, pack: Path, salt: str, title: str, notes: list, guids: list, kinds):
        self._pack, self._salt, self._title = pack, salt, title
        self._notes = notes  # (rel, key) of the notes with cards in this book
        self._guids = guids  # as books.json has them: None where a card merged into its twin
        self.kinds = dict(kinds)  # kind → cards
        self._count = sum(self.kinds.values())
        self._cards: tuple[RenderedCard, ...] | None = None

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        return self._decoded()[index]

    def __iter__(self) -> Iterator[RenderedCard]:
        return iter(self._decoded())

    def __eq__(self, other) -> bool:
        if isinstance(other, (tuple, StoredCards)):
            return self._decoded() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._decoded())

    def __repr__(self) -> str:
        return f"StoredCards({self._title!r}, {self._count} cards)"

    def _decoded(self) -> tuple[RenderedCard, ...]:
        if self._cards is None:
            self._cards = self._decode()
        return self._cards

    def _decode(self) -> tuple[RenderedCard, ...]:
        pack = Pack(self._pack, self._salt)
        cards = []
        with collector_paused():
            for rel, key in self._notes:
                data = pack.get(key)
                if data is None:
                    raise OutputError(f"the build cache changed since {rel} was built; build again")
                rows = marshal.loads(data)[1]
                cards += [c for c in map(card_of_row, rows) if c.card.book == self._title]
        if len(cards) != len(self._guids):
            raise OutputError(f"the build cache of {self._title!r} changed; build again")
        aligned = (r.with_guid(g) for r, g in zip(cards, self._guids, strict=True) if g)
        return tuple(aligned)


def record(
    salt: str,
    listing: str,
    notes: list[NoteResult],
    keys: dict[str, str | None],
    media: dict[str, list],
    books: dict,
    results: Sequence[BookResult],
) -> bytes | None:
    """The record of a build that left every note stored, or None (nothing to replay)."""
    rows = []
    for note in notes:
        key = keys.get(note.rel)
        if not key:
            return None
        problems = [problem_row(p) for p in note.problems]
        rows.append((note.rel, key, media.get(note.rel, []), note.missing_media, problems))
    sources: dict[str, dict[str, None]] = {}  # title → its notes, in note order
    for note in notes:
        for r in note.cards:
            sources.setdefault(r.card.book, {})[note.rel] = None
    by_title = {book.title: book for book in results}
    titles = []
    for title in sorted(sources):
        book, state = by_title.get(title), books.get(title)
        if book is None or book.deck_path is None or not isinstance(state, dict):
            return None
        digest = state.get("digest")
        titles.append((title, book.slug, digest, list(sources[title]), book.kinds))
    return marshal.dumps((RECORD_FORMAT, salt, listing, rows, titles))


def replay(
    data: bytes | None,
    salt: str,
    listing: str,
    rels: list[str],
    known: dict[str, str],
    books: dict,
    pack: Path,
    files_of: Callable[[str], tuple[Path, Path]],
) -> tuple[list[BookResult], list[Problem], list[Problem]] | None:
    """(books in title order, their identity warnings, the notes' problems) as the last build
    gave them, if nothing it depends on changed; else None.  ``files_of(slug)``: the book's
    deck and manifest in this build's output folder."""
    try:
        found = marshal.loads(data or b"")
        return _replay(found, salt, listing, rels, known, books, pack, files_of)
    except (EOFError, ValueError, TypeError, KeyError, IndexError):
        return None  # a torn or foreign record: the usual path


def _replay(found, salt, listing, rels, known, books, pack, files_of):
    version, stored_salt, stored_listing, rows, titles = found
    if version != RECORD_FORMAT or stored_salt != salt or [r[0] for r in rows] != rels:
        return None
    keys, problems = {}, []
    for rel, key, media, needs_listing, note_problems in rows:
        if known.get(rel) != key or (needs_listing and listing != stored_listing):
            return None
        if media and media_unchanged(media) is None:
            return None
        keys[rel] = key
        problems += [Problem(*p) for p in note_problems]
    results, book_problems = [], []
    for title, slug, digest, sources, kinds in titles:
        deck, manifest = files_of(slug)
        book = stored_book(books.get(title), digest, deck, manifest)
        if book is None:
            return None
        guids, found = book
        notes = [(rel, keys[rel]) for rel in sources]
        cards = StoredCards(pack, salt, title, notes, guids, kinds)
        results.append(BookResult(title, slug, cards, deck, written=False))
        book_problems += found
    return results, book_problems, problems
