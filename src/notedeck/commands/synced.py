"""What ``notedeck sync`` has put into each Anki: ``OUT_DIR/.notedeck-sync.json``.

Anki never deletes a note on import, so ``sync --prune`` must know which notes left the notes.
A build's diff only knows what changed since the *last build*; a ``notedeck build`` run between
two syncs would hide its removals from the next sync.  So sync remembers, per target (a
collection file, an AnkiConnect address) and book, every card it put there — its question and
place for listing, its note type, first field and Source field for finding it again — and the
cards that left the notes are those remembered and no longer built.  A card stays remembered
until it is deleted from Anki or is found not to be there any more.

The file is small JSON, written atomically; unreadable means empty (the build's own diff then
still names what it removed).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from notedeck.runtime.atomic import atomic_write_bytes

FILE_NAME = ".notedeck-sync.json"  # not *.notedeck.json: that is a book's manifest
VERSION = 1


@dataclass(frozen=True)
class Known:
    """A card as sync put it into Anki."""

    question: str
    location: str  # file:line
    note_type: str
    first: str  # the note's first field (Front or Text), as written
    source: str  # its Source field, as written

    def as_list(self) -> list[str]:
        return [self.question, self.location, self.note_type, self.first, self.source]


class SyncedCards:
    """The remembered cards of every target, by target key and book title."""

    def __init__(self, out_dir: Path):
        self.path = out_dir / FILE_NAME
        self.targets: dict[str, dict[str, dict[str, Known]]] = {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("version") == VERSION:
                for key, books in data["targets"].items():
                    self.targets[key] = {
                        title: {guid: Known(*entry) for guid, entry in cards.items()}
                        for title, cards in books.items()
                    }
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.targets = {}

    def book(self, target: str, title: str) -> dict[str, Known]:
        return dict(self.targets.get(target, {}).get(title, {}))

    def remember(self, target: str, title: str, cards: dict[str, Known]) -> None:
        books = self.targets.setdefault(target, {})
        if cards:
            books[title] = cards
        else:
            books.pop(title, None)

    def save(self) -> None:
        data = {
            "version": VERSION,
            "targets": {
                key: {
                    title: {guid: known.as_list() for guid, known in sorted(cards.items())}
                    for title, cards in sorted(books.items())
                }
                for key, books in sorted(self.targets.items())
                if books
            },
        }
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
        atomic_write_bytes(self.path, text.encode("utf-8"))
