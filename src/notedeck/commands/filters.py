"""Choosing cards: the ``--book``, ``--kind`` and ``--grep`` filters shared by preview and quiz.

A book can be named the way the user thinks of it — full title, deck file slug, an alias from
``notedeck.yaml``/``book.yaml`` or any unambiguous part of the title ("mlops") — so that "quiz me
on the MLOps book" is one short option, while a typo is a usage error that lists the books.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from notedeck.build.identity import book_slug
from notedeck.errors import NotedeckError
from notedeck.kinds import CARD_KINDS
from notedeck.model import Book, RenderedCard

__all__ = ["CARD_KINDS", "CardFilter", "FilterError", "resolve_books"]


class FilterError(NotedeckError):
    """A filter names something that does not exist (a usage error, exit code 2)."""

    exit_code = 2


@dataclass(frozen=True)
class CardFilter:
    books: tuple[str, ...] = ()  # resolved book titles; empty means every book
    kinds: tuple[str, ...] = ()
    grep: str = ""

    def matches(self, rendered: RenderedCard) -> bool:
        card = rendered.card
        if self.books and card.book not in self.books:
            return False
        if self.kinds and card.kind not in self.kinds:
            return False
        return not self.grep or _grep_matches(self.grep, rendered)

    def apply(self, cards: Iterable[RenderedCard]) -> list[RenderedCard]:
        """The matching cards in reading order: book, then file, then line."""
        chosen = [c for c in cards if self.matches(c)]
        return sorted(chosen, key=lambda r: (r.card.book, r.card.source, r.card.line))

    def describe(self) -> str:
        """A short human phrase for headers: 'Introducing MLOps, concept cards, matching "x"'."""
        parts = list(self.books)
        if self.kinds:
            parts.append(" and ".join(self.kinds) + " cards")
        if self.grep:
            parts.append(f"matching {self.grep!r}")
        return ", ".join(parts)


def _grep_matches(needle: str, rendered: RenderedCard) -> bool:
    """Case-insensitive, whitespace-tolerant search in the question, answer and heading path."""
    card = rendered.card
    haystack = " ".join((card.question, card.answer, " ".join(card.context), card.chapter or ""))
    pattern = r"\s+".join(re.escape(word) for word in needle.split())
    return bool(pattern) and re.search(pattern, haystack, re.IGNORECASE) is not None


def resolve_books(
    names: Iterable[str], titles: Iterable[str], declared: Iterable[Book] = ()
) -> tuple[str, ...]:
    """Map what the user typed to book titles; raise FilterError naming the choices."""
    titles = sorted(set(titles))
    aliases = {b.title: b.aliases for b in declared}
    return tuple(dict.fromkeys(_resolve_one(name, titles, aliases) for name in names))


def _resolve_one(name: str, titles: list[str], aliases: dict[str, tuple[str, ...]]) -> str:
    wanted = _fold(name)
    exact = [
        t
        for t in titles
        if wanted in {_fold(t), _fold(book_slug(t)), *map(_fold, aliases.get(t, ()))}
    ]
    if len(exact) == 1:
        return exact[0]
    partial = [t for t in titles if wanted and wanted in _fold(t)]
    if len(partial) == 1:
        return partial[0]
    choices = "; ".join(titles) or "none: no cards were found"
    if partial:
        raise FilterError(f"--book {name!r} matches several books: {'; '.join(partial)}")
    raise FilterError(f"--book {name!r} matches no book (books: {choices})")


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())
