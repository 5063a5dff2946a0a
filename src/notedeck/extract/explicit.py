"""Explicit card syntax people already use (Obsidian Spaced Repetition plugin and friends).

``front::back`` and ``front:::back`` (both directions), multi-line ``?`` / ``??`` blocks,
``Q:`` / ``A:`` pairs, and cloze deletions ``{{c1::text}}`` — plus ``==text==`` in files tagged
``#flashcards``.  Metadata fields such as ``Status:: reading`` are not cards.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import Card, ListBlock, Paragraph, Quote, Section
from ..text import strip_markup

INLINE = re.compile(r"^(?P<front>[^:\n](?:[^:\n]|:(?!:))*?)\s*(?P<sep>:::|::)\s*(?P<back>\S.*)$")
QA = re.compile(r"^\s*Q\s*[:.]\s*(?P<q>.+?)\s*\n\s*A\s*[:.]\s*(?P<a>.+)$", re.DOTALL | re.IGNORECASE)
# Tempered, bounded spans: the lazy ".+?(?:::.*?)?" form was cubic on "{{c1::" repeated.
CLOZE = re.compile(r"\{\{c(\d+)::((?:(?!\}\}|::).){1,2000})(?:::((?:(?!\}\}).){0,500}))?\}\}", re.DOTALL)  # noqa: E501
HIGHLIGHT = re.compile(r"==(?=\S)(.+?)(?<=\S)==")
FLASHCARD_TAG = re.compile(r"(?:^|\s)#flashcards?\b", re.IGNORECASE)
METADATA_KEYS = {
    "status", "up", "tags", "tag", "date", "source", "author", "authors", "created", "updated",
    "type", "related", "links", "link", "aliases", "alias", "priority", "rating", "due", "url",
    "parent", "down", "next", "prev", "previous", "category", "categories", "course", "topic",
    "project", "year", "modified", "progress", "time", "kind", "id", "lang", "language",
}


def has_explicit_syntax(text: str) -> bool:
    """True when another rule must leave this text to the explicit extractor."""
    first = text.split("\n", 1)[0]
    return bool(
        CLOZE.search(text)
        or (INLINE.match(first) and not _is_metadata(INLINE.match(first)))
        or QA.match(text)
        or re.search(r"^\?{1,2}\s*$", text, re.MULTILINE)
    )


def extract(section: Section, ctx) -> Iterator[Card]:
    highlights_are_cloze = _tagged_flashcards(section, ctx)
    for block in section.blocks:
        yield from _from_block(block, section, ctx, highlights_are_cloze)


def _tagged_flashcards(section: Section, ctx) -> bool:
    if "flashcards" in ctx.source.options.tags:
        return True
    return bool(FLASHCARD_TAG.search(ctx.source.text))


def _from_block(block, section: Section, ctx, highlights: bool) -> Iterator[Card]:
    if isinstance(block, Paragraph):
        yield from _from_text(block.text, block.line, section, ctx, highlights)
    elif isinstance(block, ListBlock):
        for item in block.items:
            yield from _from_text(item.text, item.line, section, ctx, highlights)
            for child in item.children:
                yield from _from_block(child, section, ctx, highlights)
    elif isinstance(block, Quote):
        for inner in block.blocks:
            yield from _from_block(inner, section, ctx, highlights)


def _from_text(text: str, line: int, section: Section, ctx, highlights: bool) -> Iterator[Card]:
    text = FLASHCARD_TAG.sub("", text).strip()
    if not text:
        return
    if CLOZE.search(text) or (highlights and HIGHLIGHT.search(text)):
        cloze = _to_cloze(text)
        yield ctx.card(section, "cloze", cloze, "", CLOZE.sub(r"\2", cloze), line, "cloze")
        return
    qa = QA.match(text)
    if qa:
        yield ctx.card(section, "explicit", qa.group("q"), qa.group("a"), qa.group("q"), line)
        return
    block = re.split(r"^(\?{1,2})\s*$", text, maxsplit=1, flags=re.MULTILINE)
    if len(block) == 3 and block[0].strip() and block[2].strip():
        note_type = "reversed" if block[1] == "??" else "basic"
        yield ctx.card(section, "explicit", block[0], block[2], block[0], line, note_type)
        return
    for offset, raw in enumerate(text.split("\n")):
        match = INLINE.match(raw.strip())
        if match and not _is_metadata(match):
            note_type = "reversed" if match.group("sep") == ":::" else "basic"
            front = match.group("front")
            yield ctx.card(section, "explicit", front, match.group("back"), front, line + offset, note_type)


def _to_cloze(text: str) -> str:
    """Number ``==highlights==`` as cloze deletions after any explicit ``{{cN::}}`` ones."""
    used = [int(n) for n, _, _ in CLOZE.findall(text)]
    counter = iter(range(max(used, default=0) + 1, 10_000))
    return HIGHLIGHT.sub(lambda m: f"{{{{c{next(counter)}::{m.group(1)}}}}}", text)


def _is_metadata(match: re.Match) -> bool:
    """``Status:: reading``, ``Up:: [[Index]]``: Dataview fields, not flashcards."""
    front = strip_markup(match.group("front")).strip().lower()
    back = match.group("back").strip()
    if front in METADATA_KEYS or front.startswith(("http", "https")):
        return True
    only_links_or_tags = re.fullmatch(r"(?:\s*(?:\[\[[^\]]*\]\]|#[\w/-]+|\d[\d\-/:. ]*)\s*,?)+", back)
    return bool(only_links_or_tags)
