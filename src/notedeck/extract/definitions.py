"""Definitions: "**Term**: text", "Term – text" items, "A **term** is …" sentences,
"What is X?" headings followed by their answer, and definition lists.

Bold is the strongest signal a learner gives; without bold we only accept short terms followed
by a defining verb, so diary sentences ("Today is a long day") never qualify.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import Card, DefinitionList, ListBlock, ListItem, Paragraph, Quote, Section
from ..text import is_chatter, join_pdf_breaks, strip_markup
from .common import block_markdown, is_image_only
from .explicit import has_explicit_syntax

DASH = r"(?:\s[-–—]{1,2}\s|[–—])"
BOLD_TERM = re.compile(
    rf"^\s*\*\*(?P<term>[^*\n]{{1,80}}?)(?::\*\*|\*\*\s*(?::|{DASH}|=))\s*(?P<def>\S.*)$", re.DOTALL
)
PLAIN_TERM = re.compile(rf"^\s*(?P<term>[^\W\d_][^:\n]{{0,60}}?)\s*(?::(?!:)|{DASH})\s*(?P<def>\S.*)$", re.DOTALL)
BOLD_IS = re.compile(
    r"(?:^|(?<=[.!?]\s))(?P<art>(?:A|An|The|a|an|the)\s+)?\*\*(?P<term>[^*\n]{1,80}?)\*\*"
    r"(?:\s*\([^)]*\))?,?\s+(?P<verb>is|are|refers to|refer to|means|describes|denotes|represents)\s+(?P<def>\S)"
)
PLAIN_IS = re.compile(
    r"^(?P<art>(?:A|An|The)\s+)?(?P<term>[^\W\d_][\w\-’'/ ]{0,50}?)\s+(?P<verb>is|are|refers to|means)\s+"
    r"(?P<def>(?:a|an|the|one|any|how|when|where|what|used|defined|called|made|composed|responsible)\b)"
)
WHAT_IS = re.compile(r"^(?:what|who)\s+(?P<verb>is|are)\s+(?P<art>an?\s+|the\s+)?(?P<term>.+?)\s*\??$", re.IGNORECASE)

NOT_TERMS = re.compile(
    r"^(?:it|this|that|these|those|there|here|he|she|they|we|i|you|one|today|tomorrow|yesterday|"
    r"step|phase|stage|part|day|week|chapter|section|page|note|tip|example|e\.g|i\.e|todo|warning|"
    r"problem|main|key|idea|point|thing|goal|reason|result|answer|question|catch|takeaway|"
    r"status|up|tags?|date|source|author|created|updated|type|related|links?|aliases|priority|rating|"
    r"due|time|url|ref|see|also|why|how|what|when|where|which|who|because|so|but|and|or|if|then|"
    r"everything|something|nothing|all|most|some|each|every|both|either|other|another|such)\b",
    re.IGNORECASE,
)
MAX_TERM_WORDS = 6


def extract(section: Section, ctx) -> Iterator[Card]:
    heading = _what_is_heading(section, ctx)
    if heading:
        yield heading
    for block in section.blocks:
        yield from _from_block(block, section, ctx)


def _from_block(block, section: Section, ctx) -> Iterator[Card]:
    if isinstance(block, Paragraph):
        yield from _from_paragraph(block.text, block.line, section, ctx)
    elif isinstance(block, ListBlock):
        for item in block.items:
            yield from _from_item(item, section, ctx)
    elif isinstance(block, DefinitionList):
        for offset, (term, defs) in enumerate(block.entries):
            answer = "\n\n".join(d for d in defs if d.strip())
            if term.strip() and answer:
                yield _card(ctx, section, term, answer, block.line + offset, "")
    elif isinstance(block, Quote):
        for inner in block.blocks:
            yield from _from_block(inner, section, ctx)


def _from_item(item: ListItem, section: Section, ctx) -> Iterator[Card]:
    if item.checkbox is None and not has_explicit_syntax(item.text):
        match = BOLD_TERM.match(item.text) or _plain_term(item.text)
        if match:
            extra = "\n".join(block_markdown(c) for c in item.children)
            answer = match.group("def").strip() + ("\n\n" + extra if extra.strip() else "")
            yield _card(ctx, section, match.group("term"), answer, item.line, "")
        else:
            yield from _from_paragraph(item.text, item.line, section, ctx)
    for child in item.children:
        yield from _from_block(child, section, ctx)


def _from_paragraph(text: str, line: int, section: Section, ctx) -> Iterator[Card]:
    if has_explicit_syntax(text) or is_image_only(text):
        return
    lines = text.split("\n")
    matches = [BOLD_TERM.match(x) for x in lines]
    if len(lines) > 1 and all(matches):  # one "**Term**: text" per line
        for offset, match in enumerate(matches):
            yield _card(ctx, section, match.group("term"), match.group("def"), line + offset, "")
        return
    match = BOLD_TERM.match(text)
    if match and not strip_markup(match.group("term")).endswith("."):
        yield _card(ctx, section, match.group("term"), match.group("def"), line, "")
        return
    found = False
    for match in BOLD_IS.finditer(text):
        found = True
        answer = _sentence_run(text, match.start(), BOLD_IS)
        art = (match.group("art") or "").strip().lower()
        yield _card(ctx, section, match.group("term"), answer, line + text.count("\n", 0, match.start()),
                    art, match.group("verb"))
    if not found and not is_chatter(text):
        plain = PLAIN_IS.match(strip_markup(join_pdf_breaks(text)))
        if plain and _acceptable_term(plain.group("term")):
            art = (plain.group("art") or "").strip().lower()
            yield _card(ctx, section, plain.group("term"), text, line, art, plain.group("verb"))


def _plain_term(text: str):
    """A "Term: definition" / "Term – definition" item whose term looks like a term."""
    match = PLAIN_TERM.match(text)
    if not match or "**" in match.group("term") or "`" in match.group("term"):
        return None
    if not _acceptable_term(match.group("term")) or len(match.group("def").split()) < 2:
        return None
    return match


def _acceptable_term(term: str) -> bool:
    plain = strip_markup(term).strip()
    words = plain.split()
    return 0 < len(words) <= MAX_TERM_WORDS and not NOT_TERMS.match(plain) and not plain.endswith((".", ","))


def _sentence_run(text: str, start: int, pattern: re.Pattern) -> str:
    """From ``start`` to the end of the paragraph, stopping before the next defining sentence."""
    rest = text[start:]
    nxt = pattern.search(rest, 1)
    return (rest[: nxt.start()] if nxt else rest).strip()


def _what_is_heading(section: Section, ctx) -> Card | None:
    match = WHAT_IS.match(section.title)
    if not match or not section.blocks:
        return None
    parts = []
    for block in section.blocks[:3]:
        if isinstance(block, (Paragraph, ListBlock)) and not (
            isinstance(block, Paragraph) and is_image_only(block.text)
        ):
            parts.append(block_markdown(block))
            if isinstance(block, ListBlock) or not parts[-1].rstrip().endswith(":"):
                break
    answer = "\n\n".join(parts)
    if not answer.strip():
        return None
    question = section.title if section.title.endswith("?") else section.title + "?"
    return ctx.card(section, "definition", question, answer, match.group("term"), section.line)


def _card(ctx, section: Section, term: str, answer: str, line: int, article: str, verb: str = "is") -> Card:
    term = strip_markup(term).strip().rstrip(":").strip()
    verb = "are" if verb in ("are", "refer to") else "is"
    question = f"What {verb} {article + ' ' if article else ''}{term}?"
    note_type = "reversed" if ctx.reverse_definitions else "basic"
    return ctx.card(section, "definition", question, answer, term, line, note_type)
