"""Identity keys: a card's GUID is a hash of ``normalise_key`` of its question key.

Frozen: any change to what these functions return for some text changes the GUIDs of every
card with such text, and each user's Anki then holds a duplicate with the review history on
the old one.  So this module keeps its own patterns (never shared with prose helpers that may
evolve), and tests/test_text_identity.py pins the results to their first shipped versions.
Speed tricks here are checked against the plain versions by property tests.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from operator import itemgetter

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
_ARTICLE = re.compile(r"^(?:a|an|the)\s+", re.IGNORECASE)
_NOT_WORD = re.compile(r"[^\w\s]")
# _NOT_WORD as a translate table for ASCII text, 3x cheaper than the sub.  Every ASCII
# character has an entry: a missing one costs translate a caught LookupError per call.
_ASCII_NOT_WORD = "".join(" " if _NOT_WORD.match(chr(n)) else chr(n) for n in range(128))
_ASCII_KEY = _ASCII_NOT_WORD.lower()  # lower() and the table in one pass (lower is A-Z → a-z)
# The same as a bytes table, blanks made spaces (bytes.split, unlike str.split, does not split
# at \x1c-\x1f): translating and splitting bytes is faster than str for the same result.
_ASCII_KEY_BYTES = bytes(32 if chr(n).isspace() else ord(_ASCII_KEY[n]) for n in range(128))
_ASCII_KEY_BYTES += bytes(range(128, 256))  # never used: the text is ASCII


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
