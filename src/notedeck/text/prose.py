"""Prose helpers shared by the stages: diary chatter, sentences, PDF hyphen breaks, book names
in headings.  Unlike ``keys`` these may evolve: they decide what becomes a card, not its identity
(``is_chatter`` is pinned by a test all the same, since it decides which cards exist)."""

from __future__ import annotations

import re
from functools import lru_cache
from operator import itemgetter
from typing import TYPE_CHECKING

from notedeck.text.keys import MARKUP_CHAR, strip_markup

if TYPE_CHECKING:
    from notedeck.model import Book

_GROUP_1 = itemgetter(1)

# "require- ments" from a PDF is joined; "pre- and post-processing" is English and stays.
_PDF_BREAK = re.compile(r"(\w)[\u00ad\u2010-] +(?=[a-z])(?!(?:and|or|nor|to|vs|versus|as|but)\b)")


_FIRST_SENTENCE = re.compile(r"(.+?[.!?])(?:\s|$)", re.DOTALL)


_FIRST_PERSON_WORDS = (
    "i", "i'm", "i've", "i'd", "i'll", "my", "me", "we", "we're", "our", "today", "tomorrow",
    "yesterday", "tonight", "finally", "ugh", "ok", "okay", "note to self", "todo", "to do",
    "skipped", "read", "reading", "started", "finished",
)  # fmt: skip


_FIRST_PERSON_INITIALS = frozenset(word[0] for word in _FIRST_PERSON_WORDS)


_ASCII_BLANKS_AND_BULLETS = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f-*>#"  # str.split's ASCII blanks


FIRST_PERSON = re.compile(
    r"^(?:" + "|".join(map(re.escape, _FIRST_PERSON_WORDS)) + r")\b", re.IGNORECASE
)


def join_pdf_breaks(text: str) -> str:
    """Join words broken by PDF copy-paste ("require- ments" → "requirements")."""
    if "- " not in text and "\u00ad " not in text and "\u2010 " not in text:
        return text  # _PDF_BREAK needs a hyphen and a space
    return _PDF_BREAK.sub(_GROUP_1, text)


def is_chatter(text: str) -> bool:
    """True for diary-style first-person text that should never become a card."""
    if text.isascii() and MARKUP_CHAR.search(text) is None:
        # strip_markup would only fold whitespace, so plain starts where text does once blanks
        # and bullets are skipped: most text cannot start with any first-person word.
        if text.lstrip(_ASCII_BLANKS_AND_BULLETS)[:1].lower() not in _FIRST_PERSON_INITIALS:
            return False
        # Folding a prefix gives a prefix of the folded text: when it holds 12 characters
        # after the bullets (or is all of the text), its first 12 are plain[:12].
        head = " ".join(text[:80].split()).lstrip("-*>#• ")
        known = len(head) >= 12 or len(text) <= 80
        if known and not head[:12].lower().startswith(_FIRST_PERSON_WORDS):
            return False
    plain = strip_markup(text).lstrip("-*>#• ").strip()
    if plain[:12].isascii() and not plain[:12].lower().startswith(_FIRST_PERSON_WORDS):
        return False  # IGNORECASE is lower() on ASCII; other letters may fold onto ASCII ones
    return bool(FIRST_PERSON.match(plain))


def first_sentence(text: str) -> str:
    match = _FIRST_SENTENCE.match(text)
    return match.group(1) if match else text


def word_count(text: str) -> int:
    return len(strip_markup(text).split())


def ends_with_colon(text: str) -> bool:
    return strip_markup(text).rstrip().endswith(":")


def find_book_in_heading(title: str, books: tuple[Book, ...]) -> Book | None:
    """The configured book a heading names by title or alias (whole words, any case).  Here
    rather than in parse.py, so that the concept rule can use it without importing markdown-it."""
    folded = f" {_fold(title)} "
    best: tuple[int, Book] | None = None
    for book in books:
        for name in (book.title, *book.aliases):
            needle = _fold(name)
            if needle and f" {needle} " in folded and (best is None or len(needle) > best[0]):
                best = (len(needle), book)
    return best[1] if best else None


@lru_cache(maxsize=1024)  # pure; every heading is compared with every book title and alias
def _fold(text: str) -> str:
    return " ".join(_NON_WORD_RUN.sub(" ", text.casefold()).split())


_NON_WORD_RUN = re.compile(r"[^\w]+")
