"""Markdown → Document: one shared MarkdownIt instance, tokens folded into a section tree.

markdown-it-py keeps headings as siblings of the content below them, so the heading path, the
book/chapter routing of daily logs and the skip markers are worked out here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.deflist import deflist_plugin

from notedeck.config import Config
from notedeck.errors import ConfigError, NoteError
from notedeck.model import (
    Block,
    Code,
    DefinitionList,
    Document,
    Html,
    ListBlock,
    ListItem,
    Paragraph,
    Quote,
    Section,
    SourceFile,
    Table,
)
from notedeck.text.keys import strip_markup
from notedeck.text.properties import drop_properties
from notedeck.text.prose import find_book_in_heading
from notedeck.text.tags import split_tags

# ``<!-- notedeck: skip -->``: the opening only; _marker finds the end with str.find, since
# ``<!--\s*notedeck\s*:\s*(?P<word>[^>]*?)\s*-->`` was quadratic on an unclosed marker full of
# spaces (the lazy word and the \s* before --> share every space) and on many unclosed ones.
MARKER_START = re.compile(r"<!--\s*+notedeck\s*+:", re.IGNORECASE)
MARKERS = ("skip", "skip-section", "keep")
CHAPTER = re.compile(r"\b(?:chapter|chap\.?|ch\.?)\s*(\d+[a-z]?)\b", re.IGNORECASE)
CALLOUT = re.compile(r"^\[!(\w+)\][+-]?\s*(.*)$")
CHECKBOX = re.compile(r"^\[([ xX])\]\s+")
# markdown-it silently drops the REST OF THE FILE below a block nested deeper than maxNesting
# (default 20, i.e. a 10-level list); allow 200 levels of lists and report anything deeper.
MAX_NESTING = 408


@lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    """The one parser instance; building it costs more than parsing a small note.

    Only block structure is needed here (inline tokens keep their source in ``content``), so the
    inline pass is off: it was two thirds of the parse time, and with a raised maxNesting it
    recursed once per unclosed "[" on a line.
    """
    options = {"html": True, "maxNesting": MAX_NESTING}
    md = MarkdownIt("commonmark", options).enable(["table", "strikethrough"]).use(deflist_plugin)
    md.core.ruler.disable("inline")
    md.core.ruler.disable("text_join")  # joins the inline children the parse no longer makes
    return md


def parse(source: SourceFile, config: Config) -> Document:
    """The note's sections and blocks, routed to books; its inline ``#tags`` are taken out of
    the text (``text.tags``) and kept as the document's."""
    text, tags = split_tags(drop_properties(source.text))
    tokens = markdown_parser().parse(text)
    offset = source.body_line
    _check_nesting(tokens, source.rel, offset)
    keep: set[int] = set()
    raw_sections = _split_sections(tokens, offset, source.rel, keep)
    sections = _route(raw_sections, source, config)
    return Document(source, tuple(sections), frozenset(keep), tags)


# ---------------------------------------------------------------- sections


def _split_sections(
    tokens: list[Token], offset: int, rel: str, keep: set[int]
) -> list[tuple[str, int, int, list[Block], bool]]:
    """(title, level, line, blocks, skip) for the preamble and every top-level heading.

    ``<!-- notedeck: skip -->`` drops the next block (or, right before a heading, that heading's
    whole section); ``<!-- notedeck: skip-section -->`` drops the section it sits in, subsections
    included; ``<!-- notedeck: keep -->`` keeps every card of the next block however unsure the
    scorer is (its lines go into ``keep``).  Any other ``notedeck:`` word is an error, so a typo
    never silently does nothing.
    """
    sections: list[tuple[str, int, int, list[Block], bool]] = [("", 0, offset, [], False)]
    i = 0
    skip_next = keep_next = False
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open" and tok.level == 0:
            title = strip_markup(tokens[i + 1].content)
            sections.append((title, int(tok.tag[1]), _line(tok, offset), [], skip_next))
            skip_next = False
            i += 3
            continue
        marker = _marker(tok, offset, rel) if tok.type == "html_block" and tok.level == 0 else None
        if marker == "skip-section":
            title, level, line, blocks, _ = sections[-1]
            sections[-1] = (title, level, line, blocks, True)
            i += 1
            continue
        if marker in ("skip", "keep"):
            skip_next, keep_next = skip_next or marker == "skip", keep_next or marker == "keep"
            i += 1
            continue
        if keep_next and tok.map:
            keep.update(range(tok.map[0] + offset, tok.map[1] + offset))
            keep_next = False
        block, i = _block(tokens, i, offset)
        if block is not None:
            if skip_next:
                skip_next = False
            else:
                sections[-1][3].append(block)
    return sections


def _check_nesting(tokens: list[Token], rel: str, offset: int) -> None:
    """Refuse a file the parser truncated, rather than build a deck missing everything after it."""
    if len(tokens) < MAX_NESTING:  # a token's level is at most its index: nothing to look at
        return
    for tok in tokens:
        if tok.level >= MAX_NESTING - 1:
            raise NoteError(
                rel,
                "nested too deeply (over 200 levels of lists); flatten it",
                _line(tok, offset) if tok.map else None,
            )


def _marker(tok: Token, offset: int, rel: str) -> str | None:
    word = marker_word(tok.content)
    if word is None:
        return None
    word = word.strip().lower()
    if word not in MARKERS:
        raise ConfigError(
            f"unknown notedeck marker {word!r} (valid: {', '.join(MARKERS)})",
            rel,
            _line(tok, offset),
        )
    return word


def marker_word(text: str) -> str | None:
    """The word of the first ``<!-- notedeck: WORD -->`` in ``text`` (no ``>`` inside), or None.
    Linear: each ``>`` is looked for once; a marker whose first ``>`` does not end ``-->``
    fails, and so does every later opening before that ``>``."""
    start = 0
    while match := MARKER_START.search(text, start):
        gt = text.find(">", match.end())
        if gt == -1:
            return None  # no later marker can close either
        if gt - 2 >= match.end() and text.startswith("-->", gt - 2):
            return text[match.end() : gt - 2]
        start = gt + 1
    return None


def _line(tok: Token, offset: int) -> int:
    return (tok.map[0] if tok.map else 0) + offset


def _close_index(tokens: list[Token], i: int) -> int:
    """Index of the token closing the container opened at ``i``."""
    depth = 0
    for j in range(i, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j
    return len(tokens) - 1


def _blocks(tokens: list[Token], offset: int) -> list[Block]:
    out: list[Block] = []
    i = 0
    while i < len(tokens):
        if tokens[i].type == "heading_open":  # a heading inside a container: keep as text
            out.append(Paragraph(tokens[i + 1].content, _line(tokens[i], offset)))
            i += 3
            continue
        block, i = _block(tokens, i, offset)
        if block is not None:
            out.append(block)
    return out


def _block(tokens: list[Token], i: int, offset: int) -> tuple[Block | None, int]:
    """Fold the block starting at ``i`` into a model block; return it and the next index."""
    tok = tokens[i]
    line = _line(tok, offset)
    if tok.type == "paragraph_open":
        text = without_properties(tokens[i + 1].content)
        return (Paragraph(text, line) if text.strip() else None), i + 3
    if tok.type in ("fence", "code_block"):
        return Code(tok.info.strip(), tok.content, line), i + 1
    if tok.type == "html_block":
        return Html(tok.content, line), i + 1
    if tok.nesting != 1:
        return None, i + 1
    end = _close_index(tokens, i)
    inner = tokens[i + 1 : end]
    if tok.type in ("bullet_list_open", "ordered_list_open"):
        start = int(tok.attrs.get("start", 1) or 1) if tok.type == "ordered_list_open" else 1
        return ListBlock(
            tok.type == "ordered_list_open", tuple(_list_items(inner, offset)), line, start
        ), end + 1
    if tok.type == "table_open":
        return _table(inner, line, offset), end + 1
    if tok.type == "blockquote_open":
        return _quote(inner, line, offset), end + 1
    if tok.type == "dl_open":
        return _deflist(inner, line), end + 1
    return None, end + 1


def _list_items(tokens: list[Token], offset: int) -> list[ListItem]:
    items = []
    i = 0
    while i < len(tokens):
        if tokens[i].type != "list_item_open":
            i += 1
            continue
        end = _close_index(tokens, i)
        blocks = _blocks(tokens[i + 1 : end], offset)
        text = ""
        if blocks and isinstance(blocks[0], Paragraph):
            text = blocks.pop(0).text
        checkbox = None
        match = CHECKBOX.match(text) if text.startswith("[") else None
        if match:
            checkbox, text = match.group(1).lower(), text[match.end() :]
        items.append(ListItem(text, _line(tokens[i], offset), checkbox, tuple(blocks)))
        i = end + 1
    return items


def _table(tokens: list[Token], line: int, offset: int) -> Table:
    rows: list[tuple[str, ...]] = []
    lines: list[int] = []
    current: list[str] = []
    for tok in tokens:
        if tok.type == "tr_open":
            current = []
            lines.append(_line(tok, offset))
        elif tok.type == "inline":
            current.append(tok.content.strip())
        elif tok.type == "tr_close":
            rows.append(tuple(current))
    header, body = (rows[0], rows[1:]) if rows else ((), [])
    return Table(header, tuple(body), line, tuple(lines[1:]))


def _quote(tokens: list[Token], line: int, offset: int) -> Quote:
    blocks = _blocks(tokens, offset)
    callout, title = None, ""
    if blocks and isinstance(blocks[0], Paragraph):
        first, _, rest = blocks[0].text.partition("\n")
        match = CALLOUT.match(first.strip())
        if match:
            callout, title = match.group(1).lower(), match.group(2).strip()
            if rest.strip():
                blocks[0] = Paragraph(rest, blocks[0].line + 1)
            else:
                blocks.pop(0)
    return Quote(tuple(blocks), line, callout, title)


def _deflist(tokens: list[Token], line: int) -> DefinitionList:
    entries: list[tuple[str, list[str]]] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "dt_open":
            entries.append((tokens[i + 1].content.strip(), []))
        elif tok.type == "dd_open" and entries:
            end = _close_index(tokens, i)
            texts = [t.content for t in tokens[i + 1 : end] if t.type == "inline"]
            entries[-1][1].append("\n".join(texts))
            i = end
        i += 1
    return DefinitionList(tuple((t, tuple(d)) for t, d in entries), line)


PROPERTY = re.compile(r"^\s*(?P<key>[^\W\d][\w -]{0,40}?)::\s*(?P<value>.*)$")


def without_properties(text: str) -> str:
    """A paragraph without its Dataview/Logseq property lines (``collapsed:: true``,
    ``summary:: …``, ``Status:: reading``): metadata, never part of a card's text.  Lines
    that are flashcards (``Term:: definition``) stay for the explicit rule."""
    if "::" not in text:
        return text
    from notedeck.extract.syntax import is_metadata

    kept = []
    for line in text.split("\n"):
        match = PROPERTY.match(line) if "::" in line else None
        if match is None or not is_metadata(match.group("key"), match.group("value")):
            kept.append(line)
    return "\n".join(kept)


# ---------------------------------------------------------------- routing


def chapter_in(title: str) -> str | None:
    match = CHAPTER.search(title)
    return match.group(1).lstrip("0") or "0" if match else None


@dataclass(frozen=True)
class _Open:
    """A heading whose section is still open while later headings are read."""

    level: int
    title: str
    book: str | None
    chapter: str | None
    skip: bool
    names_book: bool


def _path(stack: list[_Open]) -> tuple[str, ...]:
    """Heading titles below the innermost heading that names a book."""
    start = max((i + 1 for i, entry in enumerate(stack) if entry.names_book), default=0)
    return tuple(entry.title for entry in stack[start:])


def _base_place(raw, source: SourceFile, config: Config) -> tuple[str | None, str | None]:
    """The book and chapter of text under no book heading.  A note that names its book (front
    matter, book.yaml) uses it; a daily log whose headings name books from notedeck.yaml leaves
    the text under no such heading out (None: a diary intro, a sign-off); any other note gets
    its folder's default book."""
    if source.book:
        book = source.book
    elif config.books and any(find_book_in_heading(r[0], config.books) for r in raw if r[1]):
        return None, source.chapter
    else:
        book = source.default_book or None
    return book, source.chapter or source.default_chapter


def _route(raw, source: SourceFile, config: Config) -> list[Section]:
    """Give every section its heading path, book, chapter and skip flag.

    A heading that names a book starts that book's part of a daily log; the headings above it
    (the diary's date) are not part of the breadcrumb of the cards below it.
    """
    stack: list[_Open] = []
    out = []
    base_book, base_chapter = _base_place(raw, source, config)
    for title, level, line, blocks, skip in raw:
        while stack and stack[-1].level >= level:
            stack.pop()
        book, chapter, skipped = base_book, base_chapter, False
        if stack:
            book, chapter, skipped = stack[-1].book, stack[-1].chapter, stack[-1].skip
        names_book = False
        if level:
            named = find_book_in_heading(title, config.books)
            heading_chapter = chapter_in(title)
            if named is not None:
                book, chapter, names_book = named.title, heading_chapter, True
            elif heading_chapter and source.chapter is None:
                chapter = heading_chapter
            skipped = skipped or skip
            stack.append(_Open(level, title, book, chapter, skipped, names_book))
        out.append(
            Section(title, level, _path(stack), tuple(blocks), line, book, chapter, skipped or skip)
        )
    return out
