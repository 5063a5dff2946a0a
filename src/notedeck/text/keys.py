"""Small text helpers shared by the extractors: markup stripping, key normalisation, sentences."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from operator import itemgetter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from notedeck.model import Book

# Spans are bounded ({0,1000}): unbounded ones made a long line of unclosed "[[", "*" or "_"
# quadratic (a 100 KB line took minutes); no real link, label or emphasis is that long.
_WIKILINK = re.compile(
    r"!?\[\[([^\[\]|#]{0,1000})(?:#[^\[\]|]{0,1000})?(?:\|([^\[\]]{0,1000}))?\]\]"
)  # noqa: E501
_IMAGE = re.compile(r"!\[([^\[\]]{0,1000})\]\([^)]{0,4000}\)")
_LINK = re.compile(r"\[([^\[\]]{0,1000})\]\([^)]{0,4000}\)")
_EMPHASIS = re.compile(r"(\*\*|__|==|~~)((?:(?!\1).){1,1000}?)\1")
_SINGLE_EMPHASIS = re.compile(r"(?<![\w*])([*_])(?!\s)((?:(?!\1).){1,1000}?)(?<!\s)\1(?![\w*])")
# Every pattern strip_markup applies needs one of these ("[" for links and images, "\\" for "\\|").
MARKUP_CHAR = re.compile(r"[\[`*_=~\\]")
# Replacements as match[n] rather than r"\n" templates: a template is expanded in Python for
# every match, which made these subs 2-4x slower (the groups always take part in a match).
_GROUP_1, _GROUP_2 = itemgetter(1), itemgetter(2)
_CODE = re.compile(r"`([^`]*)`")
# "require- ments" from a PDF is joined; "pre- and post-processing" is English and stays.
_PDF_BREAK = re.compile(r"(\w)[\u00ad\u2010-] +(?=[a-z])(?!(?:and|or|nor|to|vs|versus|as|but)\b)")
_ARTICLE = re.compile(r"^(?:a|an|the)\s+", re.IGNORECASE)
_NOT_WORD = re.compile(r"[^\w\s]")
_NON_WORD_RUN = re.compile(r"[^\w]+")
# _NOT_WORD as a translate table for ASCII text, 3x cheaper than the sub.  Every ASCII
# character has an entry: a missing one costs translate a caught LookupError per call.
_ASCII_NOT_WORD = "".join(" " if _NOT_WORD.match(chr(n)) else chr(n) for n in range(128))
_ASCII_KEY = _ASCII_NOT_WORD.lower()  # lower() and the table in one pass (lower is A-Z → a-z)
# The same as a bytes table, blanks made spaces (bytes.split, unlike str.split, does not split
# at \x1c-\x1f): translating and splitting bytes is faster than str for the same result.
_ASCII_KEY_BYTES = bytes(32 if chr(n).isspace() else ord(_ASCII_KEY[n]) for n in range(128))
_ASCII_KEY_BYTES += bytes(range(128, 256))  # never used: the text is ASCII
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


# strip_markup and normalise_key are pure and called many times on the same text (a heading
# for every card under it, a term by several extractors): ~4x and ~3x repeats per build.
# The repeats are within one note, so 8,192 entries catch nearly all of them (10k cards:
# 40,098 misses for 39,401 distinct strings) and memory stays bounded at any corpus size.
@lru_cache(maxsize=1 << 13)
def strip_markup(text: str) -> str:
    """Plain text of an inline markdown fragment (for keys, headings and matching)."""
    if MARKUP_CHAR.search(text) is None:  # no pattern below can match: one scan, not ten
        return " ".join(text.split())
    # Each pattern runs only if its marker is there: most fragments are plain words.
    if "[[" in text:
        text = _WIKILINK.sub(lambda m: m.group(2) or m.group(1), text)
    if "](" in text:
        text = _IMAGE.sub("", text)
        text = _LINK.sub(_GROUP_1, text)
    if "`" in text:
        text = _CODE.sub(_GROUP_1, text)
    for _ in range(3):
        new = text
        if "**" in new or "__" in new or "==" in new or "~~" in new:  # what _EMPHASIS needs
            new = _EMPHASIS.sub(_GROUP_2, new)
        if "*" in new or "_" in new:  # what _SINGLE_EMPHASIS needs
            new = _SINGLE_EMPHASIS.sub(_GROUP_2, new)
        if new == text:
            break
        text = new
    text = text.replace("\\|", "|")
    return " ".join(text.split())


def join_pdf_breaks(text: str) -> str:
    """Join words broken by PDF copy-paste ("require- ments" → "requirements")."""
    if "- " not in text and "\u00ad " not in text and "\u2010 " not in text:
        return text  # _PDF_BREAK needs a hyphen and a space
    return _PDF_BREAK.sub(_GROUP_1, text)


@lru_cache(maxsize=1 << 13)
def normalise_key(text: str) -> str:
    """Identity key of a question part: case, markup, articles and punctuation do not matter."""
    if text.isascii() and MARKUP_CHAR.search(text) is None:
        # strip_markup would only fold whitespace, which the fold below repeats: skip it
        # (half the cost of a call; most keys, questions and answers are plain ASCII).
        text = b" ".join(text.encode().translate(_ASCII_KEY_BYTES).split()).decode()
        return _drop_article(text) if text[:1] in ("a", "t") else text
    text = strip_markup(text)
    if text.isascii():  # NFKC leaves ASCII as it is, and casefold is lower
        text = text.translate(_ASCII_KEY)
    else:
        text = unicodedata.normalize("NFKC", text).casefold()
        text = text.translate(_ASCII_NOT_WORD) if text.isascii() else _NOT_WORD.sub(" ", text)
    return _drop_article(" ".join(text.split()))


def normalise_again(key: str) -> str:
    """``normalise_key(key)`` for a ``key`` that normalise_key returned.  Its ASCII keys are
    lower-case words of [a-z0-9_] single-spaced, which only a leading article left by a double
    one ("the the x") or "_" markup ("_x_" is a word) would change again."""
    if key.isascii() and "_" not in key and not key.startswith(("a ", "an ", "the ")):
        return key
    return normalise_key(key)


def _drop_article(text: str) -> str:
    if text[:1] not in ("a", "t") and text[:1].isascii():  # casefolded: no "A"/"T"
        return text  # _ARTICLE cannot match
    article = _ARTICLE.match(text)  # anchored: the one match sub could make
    return text[article.end() :] if article else text


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
