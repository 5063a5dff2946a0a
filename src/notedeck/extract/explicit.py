"""Explicit card syntax people already use (Obsidian Spaced Repetition plugin and friends).

- ``front::back`` (Basic) and ``front:::back`` (Basic and reversed), one per line;
- multi-line blocks: question lines, a line with only ``?`` (or ``??`` for both directions), answer
  lines up to the next blank line — the answer may be a list, a table or a fenced code block;
- ``Q:`` / ``A:`` pairs (also ``Question:`` / ``Answer:``), each part may span lines, and the
  ``A:`` may follow the ``Q:`` after a blank line;
- cloze deletions ``{{c1::text}}`` / ``{{c1::text::hint}}`` anywhere, and ``==text==`` in files
  tagged ``#flashcards`` (in front matter or the text).  Elsewhere ``==text==`` stays an ordinary
  highlight, because Obsidian users highlight far more than they mean to memorise.

Dataview-style metadata (``Status:: reading``, ``Up:: [[Index]]``) and ``::`` inside inline code
(```std::vector```) are not cards.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from notedeck.extract.syntax import (
    A_LINE,
    CLOZE,
    MARK_LINE,
    Q_LINE,
    has_cloze,
    inline_card,
    q_line,
)
from notedeck.model import Card, ListBlock, Paragraph, Quote, Section
from notedeck.text.code import has_outside_code, outside_code
from notedeck.text.patterns import FENCE, HIGHLIGHT

MARK_SPLIT = re.compile(r"^\s*(\?{1,2})\s*$", re.MULTILINE)
COMMENT = re.compile(
    r"(?<![ \t])[ \t]*+<!--(?:(?!<!--).)*?-->", re.DOTALL
)  # stops at the next "<!--": linear
FLASHCARD_TAG = re.compile(r"(?:^|(?<=\s))#flashcards?(?:/[\w/-]+)?(?![\w/-])", re.IGNORECASE)
_MAYBE_TAGGED = re.compile(r"#flashcard", re.IGNORECASE)  # what every FLASHCARD_TAG match holds


def extract(section: Section, ctx) -> Iterator[Card]:
    for cards, _, _ in _scan(section, ctx):
        yield from cards


def cards_and_lines(section: Section, ctx) -> tuple[list[Card], frozenset[int]]:
    """The section's explicit cards and the source lines they use, from one scan: automatic
    rules must not make cards from those lines."""
    found: list[Card] = []
    lines: set[int] = set()
    for cards, first, last in _scan(section, ctx):
        if cards:
            found.extend(cards)
            lines.update(range(first, last + 1))
    return found, frozenset(lines)


def _scan(section: Section, ctx) -> Iterator[tuple[list[Card], int, int]]:
    """(cards, first line, last line) for every top-level block of the section."""
    highlights = _tagged_flashcards(ctx)
    blocks = section.blocks
    consumed_until = 0  # last source line already used by a multi-line card
    for i, block in enumerate(blocks):
        if block.line <= consumed_until:
            continue
        if isinstance(block, Paragraph):
            following = blocks[i + 1 : i + 2]  # only the next block matters; a full slice was O(n²)
            cards, last = _from_paragraph(block, following, section, ctx, highlights)
            consumed_until = last
            yield cards, block.line, last
        else:  # lists and quotes: each card covers only its own line
            for card in _from_nested(block, section, ctx, highlights):
                yield [card], card.line, card.line


def _tagged_flashcards(ctx) -> bool:
    if any(t.lower().split("/")[0] in ("flashcards", "flashcard") for t in ctx.source.options.tags):
        return True
    return _text_tagged(ctx.source.text)


@lru_cache(maxsize=4)
def _text_tagged(text: str) -> bool:
    """Searched once per file, not once per section; splitting out the code is skipped when
    "#flashcard" is nowhere in the file (any match outside code contains it)."""
    return bool(_MAYBE_TAGGED.search(text)) and has_outside_code(text, FLASHCARD_TAG)


def _from_nested(block, section: Section, ctx, highlights: bool) -> Iterator[Card]:
    """List items and quotes: one-line syntaxes and blocks within the item's own text."""
    if isinstance(block, Paragraph):
        yield from _from_text(block.text, block.line, section, ctx, highlights)
    elif isinstance(block, ListBlock):
        for item in block.items:
            yield from _from_text(item.text, item.line, section, ctx, highlights)
            for child in item.children:
                yield from _from_nested(child, section, ctx, highlights)
    elif isinstance(block, Quote):
        for inner in block.blocks:
            yield from _from_nested(inner, section, ctx, highlights)


def _from_paragraph(
    block: Paragraph, following, section: Section, ctx, highlights: bool
) -> tuple[list[Card], int]:
    """A top-level paragraph's cards and the last source line they use (answers of ``?`` blocks
    are read from the source up to a blank line, so they may take in a list, table or code)."""
    text = _strip_noise(block.text)  # keeps the line count: lines map onto the source
    lines = text.split("\n")
    raw = _source_lines(ctx.source.text)
    start = block.line - ctx.source.body_line  # 0-based index of the paragraph in the body
    in_source = 0 <= start < len(raw) and raw[start].strip() == block.text.split("\n", 1)[0].strip()
    own_last = block.line + len(lines) - 1
    if not in_source or has_cloze(text) or (highlights and has_outside_code(text, HIGHLIGHT)):
        return list(_from_text(block.text, block.line, section, ctx, highlights)), own_last
    mark = (
        next((n for n, line in enumerate(lines) if MARK_LINE.match(line)), None)
        if "?" in text
        else None
    )
    if mark is not None and "\n".join(lines[:mark]).strip():
        answer, end = _answer_lines(raw, start + mark + 1)
        answer = _strip_noise(answer)
        if answer.strip():
            note_type = "reversed" if MARK_LINE.match(lines[mark]).group(1) == "??" else "basic"
            question = "\n".join(lines[:mark]).strip()
            card = ctx.card(section, "explicit", question, answer, question, block.line, note_type)
            return [card], ctx.source.body_line + end - 1
    if q_line(lines[0]):
        qa = _qa_source(text, start + len(lines) - 1, following, ctx)
        if qa is not None:
            qa_text, last = qa
            tail, end = _answer_lines(raw, last + 1)  # a list or code block right under "A:"
            tail = _strip_noise(tail)
            if tail.strip():
                qa_text, last = f"{qa_text}\n{tail}", end - 1
            return _qa_cards(qa_text, block.line, section, ctx), ctx.source.body_line + last
    return list(_from_text(block.text, block.line, section, ctx, highlights)), own_last


def _qa_source(text: str, last: int, following, ctx) -> tuple[str, int] | None:
    """The ``Q:``/``A:`` text and its last body line index (``A:`` may start the next paragraph)."""
    if any(A_LINE.match(line) for line in text.split("\n")[1:]):
        return text, last
    nxt = following[0] if following else None
    if isinstance(nxt, Paragraph) and A_LINE.match(nxt.text.split("\n", 1)[0]):
        nxt_last = nxt.line - ctx.source.body_line + nxt.text.count("\n")
        return f"{text}\n{_strip_noise(nxt.text)}", nxt_last
    return None


def _answer_lines(raw: tuple[str, ...], first: int) -> tuple[str, int]:
    """Source lines from ``first`` up to the next blank line outside a fenced code block."""
    out, fence = [], None
    n = first
    while n < len(raw):
        line = raw[n]
        opener = FENCE.match(line)
        if fence is None and not line.strip():
            break
        if opener and (fence is None or opener.group(1).startswith(fence)):
            fence = opener.group(1)[0] * 3 if fence is None else None
        out.append(line)
        n += 1
    return "\n".join(out), n


def _qa_cards(text: str, line: int, section: Section, ctx) -> list[Card]:
    """Every ``Q:`` … ``A:`` … pair in the text; each part runs until the next marker."""
    pairs: list[list[list[str]]] = []
    target = None
    for raw in text.split("\n"):
        q, a = Q_LINE.match(raw), A_LINE.match(raw)
        if q:
            pairs.append([[q.group("rest")], []])
            target = pairs[-1][0]
        elif a and pairs:
            target = pairs[-1][1]
            target.append(a.group("rest"))
        elif target is not None:
            target.append(raw)
    cards = []
    for question_lines, answer_lines in pairs:
        question, answer = "\n".join(question_lines).strip(), "\n".join(answer_lines).strip()
        if question and answer:
            cards.append(ctx.card(section, "explicit", question, answer, question, line))
    return cards


def _from_text(text: str, line: int, section: Section, ctx, highlights: bool) -> Iterator[Card]:
    """One block of text on its own: cloze, Q/A, ``?`` split within the text, ``::`` lines."""
    text = _untag(text)
    if not text:
        return
    if has_cloze(text) or (highlights and has_outside_code(text, HIGHLIGHT)):
        cloze = _to_cloze(text)
        yield ctx.card(section, "cloze", cloze, "", CLOZE.sub(r"\2", cloze), line, "cloze")
        return
    if q_line(text.split("\n", 1)[0]):
        cards = _qa_cards(text, line, section, ctx)
        if cards:
            yield from cards
            return
    block = MARK_SPLIT.split(text, maxsplit=1) if "?" in text else [text]
    if len(block) == 3 and block[0].strip() and block[2].strip():
        note_type = "reversed" if block[1] == "??" else "basic"
        yield ctx.card(section, "explicit", block[0], block[2], block[0], line, note_type)
        return
    if "::" not in text:  # no line can be a front::back card
        return
    for offset, raw in enumerate(text.split("\n")):
        split = inline_card(raw.strip())
        if split:
            front, sep, back = split
            note_type = "reversed" if sep == ":::" else "basic"
            yield ctx.card(section, "explicit", front, back, front, line + offset, note_type)


SR_SCHEDULE = re.compile(r"<!--SR:[^\n>]{0,200}-->")  # bounded: each opening rescans


def _untag(text: str) -> str:
    return _strip_noise(text).strip()


def _strip_noise(text: str) -> str:
    """Drop ``#flashcards`` tags and HTML comments, keeping the line count.

    The Spaced Repetition plugin writes its schedule into the note (``<!--SR:!2024-01-05,3,250-->``)
    and rewrites it after every review: left in, it would change the card's text and identity.
    It is machine-written, so it goes even where an unclosed code fence swallowed it.
    """
    if "<!--SR:" in text:
        text = SR_SCHEDULE.sub("", text)
    if "<!--" not in text and "#" not in text:  # neither a comment nor a tag to drop
        return text
    return outside_code(text, _strip_noise_prose)


def _strip_noise_prose(part: str) -> str:
    if "<!--" in part:
        part = COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), part)
    return FLASHCARD_TAG.sub("", part) if "#" in part else part


@lru_cache(maxsize=4)
def _source_lines(text: str) -> tuple[str, ...]:
    """The note body's lines, split once per file (the string's hash is cached by Python)."""
    return tuple(text.split("\n"))


def _to_cloze(text: str) -> str:
    """Number ``==highlights==`` as cloze deletions after any explicit ``{{cN::}}`` ones."""
    used = [int(n) for n, _, _ in CLOZE.findall(text)]
    counter = iter(range(max(used, default=0) + 1, 10_000))
    return outside_code(
        text, lambda part: HIGHLIGHT.sub(lambda m: f"{{{{c{next(counter)}::{m.group(1)}}}}}", part)
    )
