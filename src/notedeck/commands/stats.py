"""Cards per book, chapter and kind — and what changed since the last build.

"The last build" is what the manifests in the output folder say (``<slug>.notedeck.json``, written
by every real build): they list each card's GUID, deck, kind and fields as written, so comparing
them with the cards the notes make now gives new / changed / removed without touching a deck.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from notedeck.build.identity import book_slug
from notedeck.build.package.manifest import load_manifest, manifest_path
from notedeck.config import Config
from notedeck.model import RenderedCard


@dataclass(frozen=True)
class ChapterStats:
    deck: str  # the Anki deck name, "Book::Chapter 3 — Title"
    label: str  # the part after "Book::" ("" for cards straight in the book deck)
    cards: int
    kinds: dict[str, int]
    previous: int | None  # cards in this deck at the last build; None = never built


@dataclass(frozen=True)
class BookStats:
    title: str
    cards: int
    kinds: dict[str, int]
    chapters: tuple[ChapterStats, ...]
    built: bool  # a manifest from an earlier build exists
    last_build: datetime | None
    previous: int  # card count at the last build
    added: int = 0
    changed: int = 0
    removed: int = 0


@dataclass(frozen=True)
class Stats:
    books: tuple[BookStats, ...]
    files: int
    kinds: dict[str, int] = field(default_factory=dict)

    @property
    def cards(self) -> int:
        return sum(b.cards for b in self.books)

    def as_dict(self) -> dict:
        return {
            "cards": self.cards,
            "files": self.files,
            "kinds": self.kinds,
            "books": [_book_dict(b) for b in self.books],
        }


def _book_dict(book: BookStats) -> dict:
    return {
        "title": book.title,
        "cards": book.cards,
        "kinds": book.kinds,
        "built": book.built,
        "last_build": book.last_build.isoformat() if book.last_build else None,
        "previous": book.previous if book.built else None,
        "added": book.added,
        "changed": book.changed,
        "removed": book.removed,
        "chapters": [
            {
                "deck": c.deck,
                "chapter": c.label,
                "cards": c.cards,
                "kinds": c.kinds,
                "previous": c.previous,
            }
            for c in book.chapters
        ],
    }


def compute_stats(config: Config, cards: tuple[RenderedCard, ...], files: int) -> Stats:
    from notedeck.pipeline import deck_name

    by_book: dict[str, list[RenderedCard]] = {}
    for rendered in cards:
        by_book.setdefault(rendered.card.book, []).append(rendered)
    gone = _books_only_in_manifests(config, set(by_book))
    books = tuple(
        _book_stats(config, title, by_book.get(title, []), deck_name)
        for title in sorted({*by_book, *gone})
    )
    kinds = Counter(r.card.kind for r in cards)
    return Stats(books, files, dict(sorted(kinds.items())))


def _books_only_in_manifests(config: Config, current: set[str]) -> set[str]:
    """Books built before whose notes make no cards now (renamed or deleted)."""
    titles = set()
    if config.out_dir.is_dir():
        for path in sorted(config.out_dir.glob("*.notedeck.json")):
            manifest = load_manifest(path, "")
            if manifest.book and manifest.entries and manifest.book not in current:
                titles.add(manifest.book)
    return titles


def _book_stats(config: Config, title: str, cards: list[RenderedCard], deck_name) -> BookStats:
    manifest = load_manifest(manifest_path(config.out_dir, book_slug(title)), title)
    old = manifest.entries
    built = bool(old)
    decks = [deck_name(r.card, config) for r in cards]
    old_decks = Counter(e.deck for e in old.values())
    chapters = []
    for deck in sorted(set(decks), key=_deck_order):
        in_deck = [r for r, d in zip(cards, decks, strict=True) if d == deck]
        label = deck.split("::", 1)[1] if "::" in deck else ""
        chapters.append(
            ChapterStats(
                deck,
                label,
                len(in_deck),
                _kinds(in_deck),
                old_decks.get(deck, 0) if built else None,
            )
        )
    current = {r.card.guid: r for r in cards}
    changed = sum(1 for g, r in current.items() if g in old and _content_changed(old[g].fields, r))
    last = datetime.fromtimestamp(manifest.last_mod, UTC) if built and manifest.last_mod else None
    return BookStats(
        title,
        len(cards),
        _kinds(cards),
        tuple(chapters),
        built,
        last,
        len(old),
        added=sum(1 for g in current if g not in old),
        changed=changed,
        removed=sum(1 for g in old if g not in current),
    )


def _content_changed(fields: tuple[str, ...], rendered: RenderedCard) -> bool:
    """Front or back differ from what was written (a card that only moved lines is unchanged)."""
    return tuple(fields[:2]) != (rendered.front, rendered.back)


def _kinds(cards: list[RenderedCard]) -> dict[str, int]:
    return dict(sorted(Counter(r.card.kind for r in cards).items()))


def _deck_order(deck: str) -> tuple:
    """Chapter 2 before Chapter 10; the book's own deck first."""
    label = deck.split("::", 1)[1] if "::" in deck else ""
    digits = "".join(ch for ch in label.removeprefix("Chapter ").split(" ")[0] if ch.isdigit())
    return (bool(label), int(digits) if digits else 10**6, label)


# ---------------------------------------------------------------- text table


def format_stats(stats: Stats) -> str:
    """A table: a row per book and chapter, a column per kind, the change since the last build."""
    kinds = list(stats.kinds)
    rows: list[list[str]] = [["", "cards", *kinds, "since last build"]]
    for book in stats.books:
        rows.append(
            [book.title, str(book.cards), *_kind_cells(book.kinds, kinds), _book_delta(book)]
        )
        for chapter in book.chapters:
            name = "  " + (chapter.label or "(no chapter)")
            rows.append(
                [
                    name,
                    str(chapter.cards),
                    *_kind_cells(chapter.kinds, kinds),
                    _chapter_delta(chapter),
                ]
            )
    rows.append(["Total", str(stats.cards), *(str(stats.kinds[k]) for k in kinds), ""])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(widths[i + 1]) for i, c in enumerate(row[1:-1])
        ]
        lines.append(("  ".join(cells) + "  " + row[-1]).rstrip())
        if n == 0 or n == len(rows) - 2:
            lines.append("─" * (sum(widths) + 2 * (len(widths) - 1)))
    return "\n".join(lines)


def _kind_cells(counts: dict[str, int], kinds: list[str]) -> list[str]:
    return [str(counts.get(k, 0)) if counts.get(k) else "·" for k in kinds]


def _book_delta(book: BookStats) -> str:
    if not book.built:
        return "not built yet"
    if not (book.added or book.changed or book.removed):
        return "no change"
    return f"+{book.added} new  ~{book.changed} changed  −{book.removed} removed"


def _chapter_delta(chapter: ChapterStats) -> str:
    if chapter.previous is None:
        return ""
    diff = chapter.cards - chapter.previous
    return "" if diff == 0 else f"{diff:+d}"


def footer(stats: Stats) -> str:
    built = [b.last_build for b in stats.books if b.last_build]
    since = f"; last build {max(built):%Y-%m-%d %H:%M} UTC" if built else "; never built"
    books = len(stats.books)
    plural = "s" if books != 1 else ""
    return f"{stats.cards} cards in {books} book{plural} from {stats.files} note files{since}"
