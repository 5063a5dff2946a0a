"""Concept sections: a heading that names a concept or pattern ("Lambda architecture") followed
by a descriptive paragraph → "What is the Lambda architecture?"; "X vs Y" headings → a
comparison card; other question headings ("Why now?") → the question with its answer.

Generic headings (summary, notes …), dates, headings that name a book and diary chatter never
become cards.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import Card, ListBlock, Paragraph, Section
from ..text import is_chatter, strip_markup, word_count
from .common import block_markdown, is_image_only

VERSUS = re.compile(r"^(?P<a>.+?)\s+(?:vs\.?|versus|v\.)\s+(?P<b>.+)$", re.IGNORECASE)
WHAT_IS = re.compile(r"^(?:what|who)\s+(?:is|are)\b", re.IGNORECASE)
DATEISH = re.compile(
    r"\b(?:\d{4}-\d{2}-\d{2}|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)\b",
    re.IGNORECASE,
)
CHAPTERISH = re.compile(r"^(?:chapter|ch\.?|part|lecture|week|day|session)\s*\d+\b", re.IGNORECASE)
MAX_TITLE_WORDS = 8
MIN_ANSWER_WORDS = 6


def extract(section: Section, ctx) -> Iterator[Card]:
    title = section.title
    if not _names_a_concept(section, ctx):
        return
    body = _description(section)
    if not body:
        return
    text, line = body
    versus = VERSUS.match(title.rstrip("?"))
    if versus:
        question = f"What is the difference between {versus.group('a')} and {versus.group('b')}?"
        yield ctx.card(section, "concept", question, _all_text(section) or text, title, line)
    elif title.endswith("?"):
        yield ctx.card(section, "concept", title, text, title, line)
    else:
        yield ctx.card(section, "concept", _what_is(title, text), text, title, line)


def _names_a_concept(section: Section, ctx) -> bool:
    title = section.title
    if not title or ctx.is_generic(title) or WHAT_IS.match(title) or is_chatter(title):
        return False
    if DATEISH.search(title) or CHAPTERISH.match(title):
        return False
    from ..parse import find_book_in_heading

    if find_book_in_heading(title, ctx.config.books) or section.book and title.casefold() in section.book.casefold():
        return False
    return len(title.split()) <= MAX_TITLE_WORDS


def _description(section: Section) -> tuple[str, int] | None:
    """The first descriptive paragraph (or list) of the section, with its line."""
    for block in section.blocks:
        if isinstance(block, Paragraph):
            if is_image_only(block.text):
                continue
            if is_chatter(block.text) or strip_markup(block.text).endswith(":"):
                return None
            if word_count(block.text) < MIN_ANSWER_WORDS:
                return None
            return block.text, block.line
        if isinstance(block, ListBlock):
            return None  # lists under a heading belong to the lists rule
        return None
    return None


def _all_text(section: Section) -> str:
    parts = [block_markdown(b) for b in section.blocks if isinstance(b, (Paragraph, ListBlock))]
    return "\n\n".join(p for p in parts if p.strip() and not is_image_only(p))


def _what_is(title: str, paragraph: str) -> str:
    """Phrase "What is …?" using the spelling and article the paragraph itself uses."""
    plain_title = strip_markup(title)
    core = re.sub(r"^(?:the|a|an)\s+", "", plain_title, flags=re.IGNORECASE)
    plain = strip_markup(paragraph)
    match = re.search(rf"\b(?P<art>the|a|an)?\s*(?P<term>{re.escape(core)})\b(?P<rest>\s+(?P<verb>is|are)\b)?",
                      plain, re.IGNORECASE)
    if match:
        art = (match.group("art") or "").lower()
        term = match.group("term")
        verb = (match.group("verb") or "is").lower()
        return f"What {verb} {art + ' ' if art else ''}{term}?"
    return f"What is {plain_title}?"
