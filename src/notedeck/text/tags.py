"""Inline ``#tags`` (Obsidian, Logseq, Bear): Anki tags for the note's cards, not card text.

A tag is a word that starts with ``#`` (at the start of a line or after a space) and then has
letters, digits, ``_``, ``-`` and ``/``, with at least one letter: ``#1`` and ``#2024`` are
numbers, and ``C#``, ``page#part``, ``(#anchor)`` and ``&#39;`` are no tags.  ``#nested/tag``
becomes Anki's ``nested::tag``.

Tags are the note's (as in Obsidian, a tag anywhere tags the file), so every card of the note
gets them.  In the text, the tags at the start or the end of a line (the usual place; a line of
nothing but tags) go away; a tag used as a word inside a sentence ("I use #python here") keeps
its word without the ``#``, so the sentence still reads.  Code (fenced blocks, code spans, a
line indented like code) is never touched, and ``#flashcards`` is a card marker the explicit
rule reads, never a tag.  Lines keep their number, so every card's ``file:line`` stays true.
"""

from __future__ import annotations

import re

from notedeck.text.patterns import CODE_SPAN, FENCE

TAG_WORD = re.compile(r"#([\w/-]++)")
_WORD = re.compile(r"\S++")
# What may stand before a line's first words: indentation, list or quote markers.
_PREFIX = re.compile(r"[ \t]*+(?:(?:[-*+>]|\d{1,9}[.)])[ \t]++)*+")
# Four spaces or a tab and no marker: perhaps an indented code block ("    #include <x.h>").
_INDENTED = re.compile(r"(?: {4}|\t)[ \t]*+(?![-*+>]|\d{1,9}[.)])")
_MARKER = re.compile(r"flashcards?(?:/|$)", re.IGNORECASE)


_HEX_COLOUR = re.compile(r"(?:[0-9a-fA-F]{3}){1,2}|[0-9a-fA-F]{8}")


def is_tag(word: str) -> bool:
    """A tag's text (after ``#``) that names something: a letter in it, not a card marker,
    not a colour code ("#FFFAFA", "#ff7f50": the fact itself, which a tag would cut)."""
    colour = _HEX_COLOUR.fullmatch(word) and (word.isupper() or not word.isalpha())
    return any(c.isalpha() for c in word) and not colour and not _MARKER.match(word)


def anki_tag(word: str) -> str:
    """ "nested/tag" → "nested::tag" (Anki's hierarchy); empty parts dropped."""
    return "::".join(part for part in word.split("/") if part)


def split_tags(text: str) -> tuple[str, tuple[str, ...]]:
    """``text`` without its inline tags, and the tags (Anki form, first-seen order)."""
    if "#" not in text:
        return text, ()
    found: dict[str, None] = {}
    lines = text.split("\n")
    fence: str | None = None
    for n, line in enumerate(lines):
        opener = FENCE.match(line)
        if fence is not None:
            if opener and opener.group(1)[0] == fence[0] and len(opener.group(1)) >= len(fence):
                fence = None
        elif opener:
            fence = opener.group(1)
        elif "#" in line and not _INDENTED.match(line):
            opens = n == 0 or not lines[n - 1].strip()  # (the line above: already done)
            closes = n + 1 == len(lines) or not lines[n + 1].strip()
            lines[n] = _line_without_tags(line, found, opens, closes)
    if not found:
        return text, ()
    return "\n".join(lines), tuple(t for t in found if t)


def _line_without_tags(line: str, found: dict[str, None], opens: bool, closes: bool) -> str:
    """The line without the tags at its edges; ``opens``/``closes``: it starts or ends its
    paragraph (inside a wrapped paragraph, a tag at a line's edge may be a word of it)."""
    code = [m.span() for m in CODE_SPAN.finditer(line)] if "`" in line else []
    start = _PREFIX.match(line).end()
    words = [m.span() for m in _WORD.finditer(line, start)]
    tagged = [_tag_of(line, span, code) for span in words]
    if not any(tagged):
        return line
    for tag in tagged:
        if tag:
            found.setdefault(anki_tag(tag), None)
    first = next((k for k, tag in enumerate(tagged) if not tag), len(words))
    last = next((k for k in range(len(words) - 1, -1, -1) if not tagged[k]), -1)
    if first > last:  # nothing but tags
        return line[:start].rstrip() if line[:start].strip() else ""
    if not (opens or line[:start].strip()):
        first = 0  # mid-paragraph: "#tcp to mean …" continues the line above
    if not closes and line[words[last][1] - 1] not in ".!?:":
        last = len(words) - 1  # "… and we use #tcp" runs on below
    out = [line[:start]]
    for k in range(first, last + 1):
        a, b = words[k]
        word = line[a:b]
        if tagged[k]:  # a word inside the sentence: "#python" → "python"
            word = tagged[k].replace("/", " ") + line[a + 1 + len(tagged[k]) : b]
        out.append(word)
        if k < last:
            out.append(line[b : words[k + 1][0]])
    return "".join(out)


def _tag_of(line: str, span: tuple[int, int], code: list[tuple[int, int]]) -> str:
    """The tag a word starts with ("#tag," → "tag"), or "" when it is no tag."""
    a, b = span
    if line[a] != "#" or any(x <= a < y for x, y in code):
        return ""
    match = TAG_WORD.match(line, a, b)
    if not match or not is_tag(match.group(1)):
        return ""
    rest = line[match.end() : b]
    return match.group(1) if not rest or rest in ".,;:!?)" else ""
