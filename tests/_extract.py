"""Run the extractors on a small inline note (no files, no rendering) for the unit tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

from notedeck.build.parse import parse
from notedeck.config import Config
from notedeck.extract import extract
from notedeck.model import Book, Card, SourceFile


def cards(markdown: str, kind: str | None = None, book: str | None = "Book") -> list[Card]:
    """Cards from ``markdown`` (dedented), optionally only those of one kind."""
    config = Config(Path("notes"), Path("decks"), books=(Book("Book", ("The book",)),))
    text = textwrap.dedent(markdown).lstrip("\n")
    source = SourceFile(Path("notes/note.md"), "note.md", text, 1, book, None)
    found = extract(parse(source, config), config).cards
    return [c for c in found if kind is None or c.kind == kind]


def questions(markdown: str, kind: str | None = None) -> list[str]:
    return [c.question for c in cards(markdown, kind)]


def qa(markdown: str, kind: str | None = None) -> dict[str, str]:
    return {c.question: c.answer for c in cards(markdown, kind)}
