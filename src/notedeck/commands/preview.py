"""See the cards as the learner will: readable terminal text, JSON, or (preview_page) one HTML page.

The terminal view is made from the *rendered* HTML, not the markdown, so what you read here is
what Anki will show: lists become bullets, tables aligned columns, images ``[image: alt]``.
"""

from __future__ import annotations

import html
import re
import shutil
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser

from notedeck.model import RenderedCard

CLOZE = re.compile(
    r"\{\{c(\d+)::((?:(?!\}\}|::).){0,2000})(?:::((?:(?!\}\}).){0,500}))?\}\}", re.DOTALL
)  # noqa: E501 - tempered: was cubic
BLOCK_TAGS = {
    "p",
    "div",
    "blockquote",
    "pre",
    "table",
    "ul",
    "ol",
    "dl",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
}


# ---------------------------------------------------------------- HTML → text


class _TextRenderer(HTMLParser):
    """A small HTML → plain text converter for the tags render.py allows."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.lists: list[list[int | None]] = []  # stack of [next number or None for bullets]
        self.pre = 0
        self.table: list[list[str]] | None = None
        self.cell: list[str] | None = None

    # -- helpers
    def _emit(self, text: str) -> None:
        if self.cell is not None:
            self.cell.append(text)
        else:
            self.out.append(text)

    def _newline(self, blank: bool = False) -> None:
        """End the current line (or paragraph); never stacks more than one blank line."""
        if self.cell is not None:
            self.cell.append(" ")
            return
        text = "".join(self.out).rstrip(" ")
        if not text.strip():
            self.out = []  # no leading blank lines
            return
        have = len(text) - len(text.rstrip("\n"))
        self.out = [text + "\n" * max(0, (2 if blank else 1) - have)]

    # -- parser callbacks
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag in ("ul", "ol"):
            start = int(attr.get("start") or 1) if tag == "ol" else None
            self._newline(blank=not self.lists)
            self.lists.append([start])
        elif tag == "li":
            self._newline()
            marker = "•"
            if self.lists and self.lists[-1][0] is not None:
                marker = f"{self.lists[-1][0]}."
                self.lists[-1][0] += 1
            self._emit("  " * (len(self.lists) - 1) + marker + " ")
        elif tag == "br":
            self._newline()
        elif tag == "pre":
            self.pre += 1
            self._newline(blank=True)
        elif tag == "table":
            self.table = []
            self._newline(blank=True)
        elif tag == "tr" and self.table is not None:
            self.table.append([])
        elif tag in ("td", "th"):
            self.cell = []
        elif tag == "img":
            self._emit(f"[image: {attr.get('alt') or attr.get('src') or ''}]")
        elif tag == "hr":
            self._newline()
            self._emit("────")
        elif tag == "dt":
            self._newline()
        elif tag == "dd":
            self._newline()
            self._emit("    ")
        elif tag in BLOCK_TAGS:
            self._newline(blank=True)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self._newline(blank=not self.lists)
        elif tag == "pre":
            self.pre -= 1
            self._newline(blank=True)
        elif tag in ("td", "th") and self.cell is not None:
            if self.table:
                self.table[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "table" and self.table is not None:
            self.out.append(_format_table(self.table))
            self.table = None
            self._newline(blank=True)
        elif tag in BLOCK_TAGS:
            self._newline(blank=True)

    def handle_data(self, data: str) -> None:
        if self.table is not None and self.cell is None:
            return  # whitespace between table tags
        if not self.pre:
            data = re.sub(r"\s+", " ", data)
            if self.cell is None and (not self.out or self.out[-1].endswith("\n")):
                data = data.lstrip(" ")
        if data:
            self._emit(data)


def _format_table(rows: list[list[str]]) -> str:
    """Aligned columns separated by ' │ ', a rule under the header row."""
    rows = [r for r in rows if r]
    if not rows:
        return ""
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    widths = [max(len(r[i]) for r in rows) for i in range(width)]
    lines = [
        " │ ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows
    ]
    lines.insert(1, "─┼─".join("─" * w for w in widths))
    return "\n".join(lines)


def html_to_text(fragment: str) -> str:
    """Readable plain text for a card field: bullets, numbers, aligned tables, no tags."""
    parser = _TextRenderer()
    parser.feed(fragment)
    parser.close()
    text = "".join(parser.out)
    lines = [line.rstrip() for line in text.split("\n")]
    text = "\n".join(line if line.strip() else "" for line in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


# ---------------------------------------------------------------- cloze


def cloze_front(fragment: str) -> str:
    """Hide every ``{{cN::text::hint}}``: ``[…]`` or ``[hint]``."""
    return CLOZE.sub(lambda m: f"[{m.group(3) or '…'}]", fragment)


def cloze_back(fragment: str) -> str:
    """Show every cloze's text, marked with brackets so it stands out in a terminal."""
    return CLOZE.sub(lambda m: f"[{m.group(2)}]", fragment)


# ---------------------------------------------------------------- cards as text / JSON


@dataclass(frozen=True)
class CardText:
    """One card as plain text: what the terminal shows."""

    question: str
    answer: str
    breadcrumb: str
    kind: str
    location: str


def card_text(rendered: RenderedCard) -> CardText:
    card = rendered.card
    if card.note_type == "cloze":
        question = html_to_text(cloze_front(rendered.front))
        answer = html_to_text(cloze_back(rendered.front))
        extra = html_to_text(rendered.back)
        answer = f"{answer}\n\n{extra}" if extra else answer
    else:
        question, answer = html_to_text(rendered.front), html_to_text(rendered.back)
    return CardText(question, answer, html.unescape(rendered.context), card.kind, card.location)


def terminal_width(default: int = 100) -> int:
    return max(40, min(shutil.get_terminal_size((default, 24)).columns, 120))


def indent_block(text: str, prefix: str, width: int) -> str:
    """Indent and wrap text under a label, keeping list and table lines intact."""
    out = []
    pad = " " * len(prefix)
    for n, line in enumerate(text.split("\n")):
        lead = prefix if n == 0 else pad
        if "│" in line or "─┼─" in line or not line.strip():
            out.append((lead + line).rstrip())
            continue
        bullet = re.match(r"^(\s*(?:•|\d+\.)\s)", line)
        hang = " " * len(bullet.group(1)) if bullet else ""
        out.append(
            textwrap.fill(
                line,
                width,
                initial_indent=lead,
                subsequent_indent=pad + hang,
                break_long_words=False,
                break_on_hyphens=False,
            )
            or lead.rstrip()
        )
    return "\n".join(out)


def format_card(rendered: RenderedCard, width: int | None = None, style=None) -> str:
    """The card as a few terminal lines: header (kind, place, source), Q, A."""
    width = width or terminal_width()
    from notedeck.commands.terminal import printable  # every value escaped, then styled

    style = style or (lambda text, **_: text)
    text = card_text(rendered)
    kind, breadcrumb, location = map(printable, (text.kind, text.breadcrumb, text.location))
    header = style(f"[{kind}]", fg="cyan") + " " + style(breadcrumb, dim=True)
    source = style(f"  {location}", dim=True)
    question = indent_block(printable(text.question, True), "Q  ", width)
    answer = indent_block(printable(text.answer, True), "A  ", width)
    return f"{header}\n{style(question, bold=True)}\n{answer}\n{source}"


def format_cards(cards: Iterable[RenderedCard], width: int | None = None, style=None) -> str:
    return "\n\n".join(format_card(c, width, style) for c in cards)


def card_record(rendered: RenderedCard, deck: str) -> dict:
    """JSON-ready description of one card (``preview --json``)."""
    card = rendered.card
    text = card_text(rendered)
    return {
        "guid": card.guid,
        "book": card.book,
        "chapter": card.chapter,
        "deck": deck,
        "kind": card.kind,
        "note_type": card.note_type,
        "question": text.question,
        "answer": text.answer,
        "question_markdown": card.question,
        "answer_markdown": card.answer,
        "front_html": rendered.front,
        "back_html": rendered.back,
        "context": list(card.context),
        "source": card.source,
        "line": card.line,
        "tags": list(card.tags),
    }


def summary_line(cards: list[RenderedCard], total: int) -> str:
    books = len({c.card.book for c in cards})
    noun = "card" if total == 1 else "cards"
    shown = f"{len(cards)} of {total} {noun}" if len(cards) != total else f"{total} {noun}"
    return f"{shown} from {books} book{'s' if books != 1 else ''}"
