"""The text helpers that card identity rests on keep giving what they gave when first shipped.

``normalise_key`` makes the key every GUID is hashed from, and ``is_chatter`` decides which
paragraphs become cards at all; both have since gained fast paths for plain ASCII text.  The
reference functions below are their first shipped versions, kept verbatim: any difference on
any text would silently re-key cards and orphan review history.
"""

from __future__ import annotations

import re
import unicodedata

from hypothesis import example, given, settings
from hypothesis import strategies as st

from notedeck.text.keys import normalise_again, normalise_key, strip_markup
from notedeck.text.prose import is_chatter

# ---------------------------------------------------------------- references (as shipped)

_WIKILINK = re.compile(
    r"!?\[\[([^\[\]|#]{0,1000})(?:#[^\[\]|]{0,1000})?(?:\|([^\[\]]{0,1000}))?\]\]"
)
_IMAGE = re.compile(r"!\[([^\[\]]{0,1000})\]\([^)]{0,4000}\)")
_LINK = re.compile(r"\[([^\[\]]{0,1000})\]\([^)]{0,4000}\)")
_EMPHASIS = re.compile(r"(\*\*|__|==|~~)((?:(?!\1).){1,1000}?)\1")
_SINGLE_EMPHASIS = re.compile(r"(?<![\w*])([*_])(?!\s)((?:(?!\1).){1,1000}?)(?<!\s)\1(?![\w*])")
_CODE = re.compile(r"`([^`]*)`")
_MAY_EMPHASISE = re.compile(r"[*_]|==|~~")
_ARTICLE = re.compile(r"^(?:a|an|the)\s+", re.IGNORECASE)
_FIRST_PERSON = re.compile(
    r"^(?:i|i'm|i've|i'd|i'll|my|me|we|we're|our|today|tomorrow|yesterday|tonight|"
    r"finally|ugh|ok|okay|note to self|todo|to do|skipped|read|reading|started|finished)\b",
    re.IGNORECASE,
)


def reference_strip_markup(text: str) -> str:
    if "[[" in text:
        text = _WIKILINK.sub(lambda m: m.group(2) or m.group(1), text)
    if "](" in text:
        text = _IMAGE.sub("", text)
        text = _LINK.sub(r"\1", text)
    if "`" in text:
        text = _CODE.sub(r"\1", text)
    for _ in range(3 if _MAY_EMPHASISE.search(text) else 0):
        new = _EMPHASIS.sub(r"\2", text)
        new = _SINGLE_EMPHASIS.sub(r"\2", new)
        if new == text:
            break
        text = new
    text = text.replace("\\|", "|")
    return " ".join(text.split())


def reference_normalise_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", reference_strip_markup(text)).casefold()
    text = re.sub(r"[^\w\s]", " ", text)
    return _ARTICLE.sub("", " ".join(text.split()))


def reference_is_chatter(text: str) -> bool:
    plain = reference_strip_markup(text).lstrip("-*>#• ").strip()
    return bool(_FIRST_PERSON.match(plain))


# ---------------------------------------------------------------- texts that reach the fast paths

PIECES = st.sampled_from(
    [
        "a", "an", "the", "The", "A ", "I", "I'm", "we", "My", "today", "note to self", "to do",
        "Data", "lake", "ETL", "x_y", "_x_", "**b**", "*e*", "`c`", "[l](u)", "[[w|v]]", "==h==",
        "~~s~~", "\\|", "-", "--", "- ", "* ", "> ", "# ", "•", ":", "?", ".", ",", "'", '"',
        "(", ")", "/", "&", "é", "ß", "İ", "ﬁ", "½", "²", "数据", "\u00a0", "\u00ad", "\u2010",
        " ", "  ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f", "\x85",
        "\u2028", "\x00", "7", "12",
    ]
)  # fmt: skip
TEXTS = st.one_of(
    st.lists(PIECES, max_size=12).map("".join),
    st.lists(PIECES, max_size=6).map(" ".join),
    st.text(st.characters(max_codepoint=127), max_size=40),
    st.text(max_size=30),
)


@settings(max_examples=1000)
@given(TEXTS)
@example("the the lake")
@example("  - I started today")
@example("\x1c a lake")
@example("An_b")
def test_identity_helpers_give_what_they_gave_when_shipped(text):
    assert strip_markup(text) == reference_strip_markup(text)
    key = normalise_key(text)
    assert key == reference_normalise_key(text)
    assert normalise_again(key) == reference_normalise_key(key)
    assert is_chatter(text) == reference_is_chatter(text)
